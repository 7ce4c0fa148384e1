# The fuzz targets' seed corpora and every input that once broke an
# invariant replay clean (ASan, UBSan, the targets' own checks), so a fixed
# crash stays fixed. `make fuzz` is the long run.
use strict;
use warnings;
use FindBin;
use Test::More;

my $fuzz = "$FindBin::Bin/../../fuzz";
my @targets = qw(cookie setcookie deletion consent site choice page inject banner scrub);
for my $t (@targets) {
    ok(-x "$fuzz/bin/fuzz_$t", "fuzz_$t is built (make fuzzers)");
    my $out = `make --no-print-directory -C '$fuzz' replay-$t 2>&1`;
    is($?, 0, "fuzz_$t replays its corpus and regressions") or diag($out);
}
ok(scalar(() = glob("$fuzz/regressions/page/fuzz_page-*")) >= 2,
   'the two inputs fuzz_page found are kept as regressions');
done_testing();
