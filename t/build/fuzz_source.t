# The consent sources' fuzz targets (fuzz_source, fuzz_tcf, fuzz_gpp)
# replay their seed corpora and regressions clean under ASan and UBSan,
# with their own invariants (fuzz/fuzz_source_check.h). `make fuzz` is
# the long run.
use strict;
use warnings;
use FindBin;
use Test::More;

my $fuzz = "$FindBin::Bin/../../fuzz";
for my $t (qw(source tcf gpp)) {
    ok(-x "$fuzz/bin/fuzz_$t", "fuzz_$t is built (make fuzzers)");
    my $out = `make --no-print-directory -C '$fuzz' replay-$t 2>&1`;
    is($?, 0, "fuzz_$t replays its corpus and regressions") or diag($out);
    ok(scalar(() = glob("$fuzz/corpus/$t/*")) >= 10,
       "fuzz_$t has a seed corpus from the documented values");
}
done_testing();
