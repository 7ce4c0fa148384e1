# The way in: unconsented tracking cookies are scrubbed from the Cookie
# header, the backend learns the decision (Consent-State, CONSENTGATE) and
# never a client's own Consent-State; HTTP/1.1's merged Cookie lines.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use CG;

sub echo {
    my ($vhost, $path, @headers) = @_;
    my $res = get_from($vhost, $path, @headers);
    my %seen = map { /^([\w-]+): ?(.*)$/ ? ($1 => $2) : () }
               split /\n/, $res->content;
    return \%seen;
}

my $jar = 'mautic_device_id=abc123; mtc_id=5; MMAUTHTOKEN=tok; shop=1';

for my $t ([ 'cgi', 'gate', '/cgi/echo' ], [ 'proxy', 'gate', '/proxy/echo' ],
           [ 'fpm', 'mautic_fpm', '/echo' ]) {
    my ($name, $vhost, $path) = @$t;
    my $e = echo($vhost, $path, Cookie => $jar);
    is($e->{cookie}, 'MMAUTHTOKEN=tok; shop=1',
       "$name: tracking cookies scrubbed, the rest kept in order");
    is($e->{'consent-state'}, 'none', "$name: Consent-State: none");
    is($e->{mautic_device_id}, '', "$name: the backend cannot read the device id");

    $e = echo($vhost, $path, Cookie => "$jar; mautic_consent=1");
    is($e->{cookie}, "$jar; mautic_consent=1", "$name: consent keeps every cookie");
    is($e->{'consent-state'}, 'granted', "$name: Consent-State: granted");

    $e = echo($vhost, $path, Cookie => "$jar; mautic_consent=1",
              'Sec-GPC' => '1');
    is($e->{cookie}, 'MMAUTHTOKEN=tok; shop=1; mautic_consent=1',
       "$name: GPC scrubs despite consent");
    is($e->{'consent-state'}, 'gpc', "$name: Consent-State: gpc");

    $e = echo($vhost, $path, Cookie => 'mautic_consent=no', DNT => '1');
    is($e->{'consent-state'}, 'dnt', "$name: Consent-State: dnt");

    $e = echo($vhost, $path, Cookie => 'mautic_consent=0');
    is($e->{'consent-state'}, 'denied', "$name: Consent-State: denied");

    $e = echo($vhost, $path, 'Consent-State' => 'granted');
    is($e->{'consent-state'}, 'none', "$name: a client's Consent-State is discarded");

    $e = echo($vhost, $path, Cookie => 'mtc_id=5');
    ok(!exists $e->{cookie} || $e->{cookie} eq '',
       "$name: a header left empty is removed");
}

# the environment variable, for CGI/FastCGI and for CustomLog
is(echo('gate', '/cgi/echo', Cookie => 'mautic_consent=1')->{env}, 'granted',
   'CONSENTGATE reaches a CGI program');
is(echo('mautic_fpm', '/echo', 'Sec-GPC' => '1')->{env}, 'gpc',
   'CONSENTGATE reaches php-fpm');

# outside the gate (ConsentGate Off) cookies are untouched, but a client's
# own Consent-State and Consent-Categories never reach a backend wherever
# the module is loaded: a backend that branches on them would track
{
    my $e = echo('gate', '/off/echo', Cookie => $jar, 'Consent-State' => 'granted',
                 'Consent-Categories' => 'tracking');
    is($e->{'consent-state'}, '', 'ungated: a client\'s Consent-State is removed');
    is($e->{'consent-categories'}, '', 'ungated: and its Consent-Categories');
    is($e->{cookie}, $jar, 'ungated: cookies untouched');
}

# Consent-State says "granted" only when every category of the scope is
# granted: /custom/ offers analytics and tracking
{
    my $now = time - 60;
    my $rid = '0123456789abcdef0123456789abcdef';
    my $e = echo('gate', '/custom/echo',
                 Cookie => "mautic_consent=cg1.tracking.$now.0.$rid");
    is($e->{'consent-state'}, 'partial', 'one of two categories: partial');
    is($e->{'consent-categories'}, 'tracking', 'Consent-Categories lists it');
    $e = echo('gate', '/custom/echo',
              Cookie => "mautic_consent=cg1.analytics~tracking.$now.0.$rid");
    is($e->{'consent-state'}, 'granted', 'both: granted');
    is($e->{'consent-categories'}, 'analytics, tracking', 'Consent-Categories lists both');
    $e = echo('gate', '/cgi/echo', Cookie => "mautic_consent=cg1.ads.$now.0.$rid",
              'Consent-Categories' => 'tracking');
    is($e->{'consent-state'}, 'partial', 'a consent to no category of the site: partial');
    is($e->{'consent-categories'}, '', 'and no category is announced');
}

# ConsentScrubRequest Off, ConsentForwardGPC On
{
    my $e = echo('gate', '/noscrub/echo', Cookie => $jar);
    is($e->{cookie}, $jar, 'ConsentScrubRequest Off leaves the Cookie header');
    is($e->{'consent-state'}, 'none', '... and still tells the decision');

    $e = echo('gate', '/fwdgpc/echo');
    is($e->{'sec-gpc'}, '1', 'ConsentForwardGPC: Sec-GPC: 1 without consent');
    # Mautic 7 honours Sec-GPC itself: not on the routes that count an
    # email's recipient (ConsentForwardGPCSkip mautic-email)
    is(echo('gate', '/fwdgpc/r/echo')->{'sec-gpc'}, '',
       'ConsentForwardGPCSkip: not on an email click');
    is(echo('gate', '/fwdgpc/asset/echo')->{'sec-gpc'}, '',
       'ConsentForwardGPCSkip: not on an asset download');
    is(echo('gate', '/fwdgpc/email/view/echo')->{'sec-gpc'}, '',
       'ConsentForwardGPCSkip: not on the email web view');
    is(echo('gate', '/fwdgpc/s/r/echo')->{'sec-gpc'}, '1',
       'ConsentForwardGPCSkip: the admin area is no email route');
    $e = echo('gate', '/fwdgpc/echo', Cookie => 'mautic_consent=1');
    is($e->{'sec-gpc'}, '', '... and none with consent');
    $e = echo('gate', '/cgi/echo');
    is($e->{'sec-gpc'}, '', 'no Sec-GPC is invented by default');
}

# ConsentMauticBlockedTracking: Mautic 7 is told itself not to track
{
    my $e = echo('gate', '/blocked/echo', Cookie => 'shop=1; mtc_id=5');
    is($e->{cookie}, 'shop=1; Blocked-Tracking=1',
       'ConsentMauticBlockedTracking: Blocked-Tracking=1 without consent');
    $e = echo('gate', '/blocked/echo');
    is($e->{cookie}, 'Blocked-Tracking=1', '... also with no Cookie header at all');
    $e = echo('gate', '/blocked/echo', Cookie => 'mautic_consent=1; mtc_id=5');
    is($e->{cookie}, 'mautic_consent=1; mtc_id=5', '... and not with consent');
    $e = echo('gate', '/cgi/echo', Cookie => 'shop=1');
    is($e->{cookie}, 'shop=1', 'not where the directive is not set');
}

# HTTP/1.1: two Cookie lines arrive merged with ", ". A browser sends one
# line and splits only at ';', and so does PHP: "shop=1, x=2" is one cookie
# shop. The pair is never cut; it goes whole when a name after a comma may
# not pass, and a consent after a comma is no consent.
{
    my $req = "GET /cgi/echo HTTP/1.0\nHost: localhost\n"
            . "Cookie: mautic_device_id=abc; shop=1\nCookie: mautic_consent=1\n\n";
    my $res = raw_request('gate', $req);
    like($res->content, qr/^consent-state: (?!granted)/m,
         'a consent after a comma (a second Cookie line) does not count');
    like($res->content, qr/^cookie: shop=1, mautic_consent=1$/m,
         '... the pair holding it passes whole (its inner name is necessary)');
    like($res->content, qr/^mautic_device_id: $/m,
         '... and the tracking cookie is scrubbed');

    $req = "GET /cgi/echo HTTP/1.0\nHost: localhost\n"
         . "Cookie: shop=1\nCookie: mtc_id=5; klaro={\"a\":true,\"b\":false}\n\n";
    $res = raw_request('gate', $req);
    like($res->content, qr/^cookie: klaro=\{"a":true,"b":false\}$/m,
         'merged lines: the pair hiding a tracking name goes whole, a JSON '
         . 'value with commas stays whole');

    $req = "GET /cgi/echo HTTP/1.0\nHost: localhost\n"
         . "Cookie: a=1, mtc_id=2\n\n";
    $res = raw_request('gate', $req);
    unlike($res->content, qr/^cookie:.*a=1/m,
           'a value smuggling "mtc_id=" after a comma: the whole pair goes');

    $req = "GET /cgi/mtracking.gif HTTP/1.0\nHost: localhost\n"
         . "Cookie: mautic_consent=1\nCookie: mautic_consent=0\n\n";
    $res = raw_request('gate', $req);
    is_deeply([ tracking_names($res) ], [],
              'two consent cookies on two lines that disagree: no consent');
}

# the decision is logged through the environment variable
{
    my $log = Apache::Test::vars('t_logs') . '/consent_log';
    open my $fh, '<', $log or die "$log: $!";
    my $text = do { local $/; <$fh> };
    like($text, qr{"GET /cgi/echo HTTP/1.1" 200 consent=granted},
         'CustomLog records %{CONSENTGATE}e');
}

done_testing();
