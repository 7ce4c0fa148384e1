# The consent sources' fuzz targets (fuzz_source, fuzz_tcf, fuzz_gpp)
# replay their seed corpora and regressions clean under ASan and UBSan,
# with their own invariants (fuzz/fuzz_source_check.h). `make fuzz` is
# the long run.
use strict;
use warnings;
use FindBin;
use Test::More;

my $fuzz = "$FindBin::Bin/../../fuzz";
# t/build/fuzz.t replays every target; here, that these have real seeds
for my $t (qw(source tcf gpp)) {
    ok(-x "$fuzz/bin/fuzz_$t", "fuzz_$t is built (make fuzzers)");
    ok(scalar(() = glob("$fuzz/corpus/$t/*")) >= 10,
       "fuzz_$t has a seed corpus from the documented values");
}
done_testing();
