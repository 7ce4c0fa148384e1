# The no-cookie pixel: a 1x1 GIF that never sets a cookie and counts views
# and daily unique visitors without storing anything that identifies them;
# the status page shows the counts, which survive a graceful restart.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use Apache::Test ();
use Apache::TestRequest ();
use CG;

my $pixel = '/consentgate/pixel.gif';
my @ua_a = ('User-Agent' => 'Mozilla/5.0 (X11; Linux x86_64) TestBrowser/A',
            'Accept-Language' => 'de-DE,de;q=0.9');
my @ua_b = ('User-Agent' => 'Mozilla/5.0 (X11; Linux x86_64) TestBrowser/B',
            'Accept-Language' => 'de-DE,de;q=0.9');

sub status {
    my $res = get_from('gate', '/consentgate/status?format=json');
    return JSON::PP::decode_json($res->content);
}

my $res = get_from('gate', $pixel, @ua_a);
is($res->code, 200, 'the pixel answers');
is($res->header('Content-Type'), 'image/gif', 'as image/gif');
is(length($res->content), 43, 'of 43 bytes');
like($res->content, qr/^GIF89a\x01\x00\x01\x00/, 'a 1x1 GIF');
is($res->header('Cache-Control'), 'no-store', 'never cached');
is_deeply([ set_cookie_lines($res) ], [],
          'no Set-Cookie, though mod_headers adds two here');
$res = get_from('gate', $pixel, @ua_a, Cookie => 'mautic_consent=1');
is_deeply([ set_cookie_lines($res) ], [], 'none with consent either');

# counting
my $before = status()->{today};
get_from('gate', $pixel, @ua_a) for 1 .. 2;
my $after = status()->{today};
is($after->{views} - $before->{views}, 2, 'two views counted');
is($after->{uniques} - $before->{uniques}, 0,
   'the same visitor is not unique again the same day');

$before = $after;
get_from('gate', $pixel, @ua_b);
$after = status()->{today};
is($after->{uniques} - $before->{uniques}, 1, 'another User-Agent is another visitor');
get_from('gate', $pixel, @ua_b, 'Accept-Language' => 'fr');
is(status()->{today}{uniques} - $after->{uniques}, 1,
   'so is another Accept-Language');

$before = status()->{today};
head_from('gate', $pixel, @ua_a);
get_from('gate', $pixel, @ua_a, 'Sec-Purpose' => 'prefetch');
get_from('gate', $pixel, 'User-Agent' => 'Mozilla/5.0 (compatible; Googlebot/2.1)');
get_from('gate', $pixel, 'User-Agent' => '');
is(status()->{today}{views}, $before->{views}, 'HEAD, prefetch and bots are not counted');

# pages: ?u= or the Referer, path only (a page gets its slot when the
# Referer is this site: t/handler/status.t)
Apache::TestRequest::module('gate');
my $site = Apache::TestRequest::resolve_url('/');
get_from('gate', "$pixel?u=https%3A%2F%2Fexample.org%2Flanding%3Fsecret%3D1", @ua_a,
         Referer => $site);
get_from('gate', $pixel, @ua_a, Referer => "${site}pricing?utm=x");
my %pages = map { $_->{path} => $_->{views} } @{ status()->{pages} };
ok($pages{'/landing'}, 'a page from ?u=');
ok($pages{'/pricing'}, 'a page from the Referer');
ok(!grep({ /secret|utm/ } keys %pages), 'queries are dropped');

# the status page
my $doc = status();
is(scalar(@{ $doc->{days} }), 30, 'thirty days');
is($doc->{days}[-1]{date}, $doc->{today}{date}, 'ending today');
$res = get_from('gate', '/consentgate/status');
like($res->header('Content-Type'), qr{^text/html}, 'HTML by default');
like($res->content, qr{<svg}, 'with a chart');
like($res->content, qr{<strong id="views">$doc->{today}{views}</strong>}, 'and the counts');
$res = get_from('gate', '/consentgate/status', Accept => 'application/json');
like($res->header('Content-Type'), qr{^application/json}, 'JSON on Accept');
unlike($res->content, qr/salt/i, 'the salt is never shown');

# the decision and the pixel reach CustomLog
{
    my $log = Apache::Test::vars('t_logs') . '/consent_log';
    open my $fh, '<', $log or die "$log: $!";
    my $text = do { local $/; <$fh> };
    like($text, qr{GET /consentgate/pixel\.gif HTTP/1\.1" 200 \S+ pixel=unique}, 'pixel=unique logged');
    like($text, qr{GET /consentgate/pixel\.gif HTTP/1\.1" 200 \S+ pixel=view}, 'pixel=view logged');
}

# counters survive a graceful restart
{
    my $views = status()->{today}{views};
    my $pid_file = Apache::Test::vars('t_logs') . '/httpd.pid';
    open my $fh, '<', $pid_file or die "$pid_file: $!";
    chomp(my $pid = <$fh>);
    ok(kill('USR1', $pid), 'graceful restart (SIGUSR1)');
    my $ok;
    for (1 .. 50) {
        select(undef, undef, undef, 0.2);
        my $r = get_from('gate', '/consentgate/status?format=json');
        if ($r->code == 200) { $ok = JSON::PP::decode_json($r->content); last }
    }
    is($ok && $ok->{today}{views}, $views, 'the counts are still there');
    get_from('gate', $pixel, @ua_a);
    is(status()->{today}{uniques}, $ok->{today}{uniques},
       'and a visitor seen before the restart is not unique again');
}

done_testing();
