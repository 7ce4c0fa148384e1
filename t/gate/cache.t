# mod_cache (quick handler) in front of a proxied, cacheable response that
# sets tracking cookies: the cache stores the gated response with a Vary
# on the decision's inputs, so a hit never hands a visitor without consent
# a tracking cookie.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use CG;

my @tracking = TRACKING;
my $all = [ sort @tracking ];
my $path = '/cached/cacheable';

sub hit { ($_[0]->header('X-Cache') || '') =~ /HIT/ }

# a consenting visitor fills the cache first
my $r1 = get_from('gate', $path, Cookie => 'mautic_consent=1');
is_deeply([ sort(tracking_names($r1)) ], $all, 'consented: tracking cookies');
ok(!hit($r1), 'consented: a miss');

my $r1b = get_from('gate', $path, Cookie => 'mautic_consent=1');
ok(hit($r1b), 'the same request again is a cache hit');
is($r1b->content, $r1->content, 'served from the cache');

# visitors without consent, before and after the entry exists
for my $i (1 .. 3) {
    my $res = get_from('gate', $path);
    is_deeply([ tracking_names($res) ], [], "no consent, request $i: no tracking cookie");
    ok(has_cookie($res, SESSION), "no consent, request $i: the session cookie");
    ok(hit($res), "no consent, request $i: from the cache") if $i > 1;
}

# GPC with the consent cookie: another decision, never the consented copy
for my $i (1 .. 2) {
    my $res = get_from('gate', $path, Cookie => 'mautic_consent=1', 'Sec-GPC' => '1');
    is_deeply([ tracking_names($res) ], [], "consent + GPC, request $i: none");
}
like(get_from('gate', $path)->header('Vary') || '', qr/Cookie.*Sec-GPC.*DNT/,
     'the cached response carries the Vary');

# a hit had no fixups and mod_cache took the gate's filter out, yet its
# log line names the decision it was served under (the gate's
# log_transaction hook sets CONSENTGATE for it)
{
    my $log = Apache::Test::vars('t_logs') . '/consent_log';
    open my $fh, '<', $log or die "$log: $!";
    my %hits;
    while (<$fh>) {
        $hits{$1}++ if m{"GET \Q$path\E HTTP/1\.1" 200 consent=(\S+) .*cache=cache hit};
    }
    ok($hits{granted}, 'a hit for a consenting visitor is logged as granted');
    ok($hits{none}, 'a hit for a visitor without consent is logged as none');
    ok(!$hits{'-'}, 'no hit is logged without a decision');
}

done_testing();
