# Hostile or broken input on both sides: odd Cookie headers from clients
# and odd Set-Cookie lines from a backend never crash a child and never
# grant consent by accident.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use CG;

my @cookies = (
    ';;;;', '=', '==', 'mautic_consent', '=1', 'mautic_consent==1',
    'mautic_consent=1=1', ' ; mautic_consent ; =1', "mautic_consent=\x011",
    'x="mautic_consent=1"', 'x=a, mautic_consent=0', 'mautic_consent="1',
    'mautic_consent=%31', 'MAUTIC_CONSENT=1', 'mautic_consent =yes x',
    'mautic_consent=cg1.tracking.99999999999999999999.0.abcdefgh',
    'mautic_consent=cg1.tracking.1.99999999999.abcdefgh',
    'mautic_consent=cg1.' . ('a~' x 500) . 'a.1.0.abcdefgh',
    join('; ', map { "c$_=v" } 1 .. 600),
    'a' x 6000 . '=1',
);
for my $c (@cookies) {
    my $label = length($c) > 60 ? substr($c, 0, 60) . '...' : $c;
    $label =~ s/[^\x20-\x7e]/?/g;
    my $res = get_from('gate', '/cgi/mtracking.gif', Cookie => $c);
    # httpd itself refuses control characters in a header (400)
    ok($res->code == 200 || $res->code == 400, "answered: $label")
        or diag($res->status_line);
    is_deeply([ tracking_names($res) ], [], "no consent from: $label");
}

# a consent can still be given after garbage in the same header
{
    my $res = get_from('gate', '/cgi/mtracking.gif',
                       Cookie => ';;=; =x; junk; mautic_consent=1');
    is(scalar(tracking_names($res)), 3, 'a real consent among junk still counts');
}

# odd Set-Cookie lines from the backend
for my $t ([ 'cgi', '/cgi' ], [ 'proxy', '/proxy' ]) {
    my ($name, $prefix) = @$t;
    my $res = get_from('gate', "$prefix/weird");
    is($res->code, 200, "$name: odd Set-Cookie lines answered");
    my @lines = set_cookie_lines($res);
    ok(!grep({ /^\s*(mtc_id|mautic_device_id)\s*=\s*[^;\s]/ } @lines),
       "$name: no tracking cookie hides behind odd spacing or attributes")
        or diag(join "\n", @lines);
    $res = get_from('gate', "$prefix/weird", Cookie => 'mautic_consent=1');
    ok(scalar(grep { /^\s*mtc_id\s*=/ } set_cookie_lines($res)) >= 3,
       "$name: with consent they pass as the backend wrote them");
}

# the server is still there
is(get_from('gate', '/cgi/mtracking.gif')->code, 200, 'the server still answers');

done_testing();
