# The profile tools the README and bench/README point to still build and
# count: bench/gate-callgrind, bench/inject-callgrind and bench/tcf-callgrind,
# a few rounds each.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/../..";
plan skip_all => 'valgrind not installed'
    if system('command -v valgrind >/dev/null 2>&1');
# a library built for ASan needs its runtime, which the tools do not link
plan skip_all => 'the library is built with sanitizers' if $ENV{CG_SANITIZE}
    || $ENV{CG_VALGRIND};
plan skip_all => 'no .libs/libconsentgate.a (make unit)'
    unless -f "$top/.libs/libconsentgate.a";

my $out = `cd '$top' && ROUNDS=20 bench/gate-callgrind 2>&1`;
is($? >> 8, 0, 'bench/gate-callgrind runs') or diag($out);
for my $case (qw(unconsented consented)) {
    my ($n) = $out =~ /^$case: (\d+) instructions per request$/m;
    ok(defined $n && $n > 1000 && $n < 100000, "$case: a count") or diag($out);
}

$out = `cd '$top' && ROUNDS=2 bench/inject-callgrind 2>&1`;
is($? >> 8, 0, 'bench/inject-callgrind runs') or diag($out);
like($out, qr/^p100k: \d+ instructions per page$/m, 'the 100 KB page counted');
like($out, qr/^nohead: \d+ instructions per page$/m, 'the page without </head> counted');

# the TC string comes from the IAB's library (npm ci)
SKIP: {
    skip 'no node_modules/@iabtcf/core (npm ci)', 2
        unless -d "$top/node_modules/\@iabtcf/core";
    $out = `cd '$top' && ROUNDS=20 bench/tcf-callgrind 2>&1`;
    is($? >> 8, 0, 'bench/tcf-callgrind runs') or diag($out);
    like($out, qr/^tc - own: -?\d+ instructions per request/m, 'the TC string counted');
}

done_testing();
