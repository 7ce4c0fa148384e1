# Revocation paths: matched on the URI the client asked for, before
# Mautic's .htaccess rewrites it to index.php; no tracking cookie however
# the visitor chose, and the tracking cookies they hold are expired.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use CG;

my $held = 'mautic_consent=1; mautic_device_id=abc123; mtc_id=5; MMAUTHTOKEN=t; '
         . '0123456789abcdef0123456789abcdef=s';

sub expiries {
    my ($res) = @_;
    return sort map { /^([^=]+)=;.*Max-Age=0/ ? $1 : () } set_cookie_lines($res);
}

for my $path ('/email/unsubscribe/abc123/me%40example.org/secret',
              '/email/dnc/abc123') {
    # the fpm vhost: /email/... is rewritten internally to /index.php
    my $res = get_from('mautic_fpm', $path, Cookie => $held);
    is($res->code, 200, "$path: the page is served");
    like($res->content, qr/unsubscribed/, "$path: by the backend");
    is_deeply([ grep { $_ ne 'mtc_id' && $_ ne 'mautic_device_id' }
                tracking_names($res) ], [], "$path: no new tracking cookie");
    ok(!grep({ /^(mautic_device_id|mtc_id|mautic_referer_id)=[^;]/ }
             set_cookie_lines($res)), "$path: none with a value, despite consent");
    is_deeply([ expiries($res) ], [ 'mautic_device_id', 'mtc_id' ],
              "$path: the tracking cookies held are expired");
    ok(has_cookie($res, SESSION), "$path: the session cookie still passes");
    ok(!grep({ /^MMAUTHTOKEN=/ } set_cookie_lines($res)),
       "$path: a necessary cookie held is not expired");
    is(scalar(grep { /^mtc_id=;/ } set_cookie_lines($res)), 1,
       "$path: each cookie expired once");
}

# a consent held on an unsubscribe link is withdrawn: the response records
# a structured refusal, and that cookie keeps tracking cookies out afterwards
{
    my $res = get_from('mautic_fpm', '/email/unsubscribe/abc', Cookie => $held);
    my @consent = grep { /^mautic_consent=/ } set_cookie_lines($res);
    is(scalar(@consent), 1, 'the consent cookie is rewritten once');
    my ($value) = ($consent[0] || '') =~ /^mautic_consent=([^;]*)/;
    like($value, qr/^cg1\.\.\d+\.0\.[0-9a-f]{32}$/,
         'as a structured refusal with a receipt id');
    like($consent[0], qr/; Max-Age=15552000; Path=\/; SameSite=Lax$/,
         'for ConsentMaxAge, site-wide, SameSite=Lax');
    my $after = get_from('mautic_fpm', '/mtracking.gif',
                         Cookie => "mautic_consent=$value");
    is_deeply([ tracking_names($after) ], [], 'the refusal is honoured next time');
    like(get_from('mautic_fpm', '/echo', Cookie => "mautic_consent=$value")->content,
         qr/^consent-state: denied$/m, 'and read as denied');

    $res = get_from('mautic_fpm', '/email/unsubscribe/abc', Cookie => 'mtc_id=5');
    ok(!grep({ /^mautic_consent=/ } set_cookie_lines($res)),
       'no consent cookie is planted on a visitor who never chose');
    $res = get_from('strict', '/cgi/bye/now',
                    Cookie => 'site_consent=' . structured_consent(
                        categories => ['tracking'], revision => 2));
    my ($line) = grep { /^site_consent=/ } set_cookie_lines($res);
    like($line || '', qr/^site_consent=cg1\.\.\d+\.2\.[0-9a-f]{32}; Max-Age=3600; Path=\/; Domain=example\.test; SameSite=Lax$/,
         'the refusal carries the policy revision, ConsentMaxAge and ConsentCookieDomain');
}

# the same app without a consent cookie: nothing to expire but what is held
{
    my $res = get_from('mautic_fpm', '/email/unsubscribe/x', Cookie => 'mtc_id=5');
    is_deeply([ expiries($res) ], [ 'mtc_id' ], 'only what the visitor holds');
    my $line = (grep { /^mtc_id=;/ } set_cookie_lines($res))[0];
    like($line, qr/; Path=\/(;|$)/, 'expired on Path=/');
    like($line, qr/Expires=Thu, 01 Jan 1970 00:00:00 GMT/, 'with an Expires for old clients');
    unlike($line, qr/Domain=/, 'host-only when no ConsentCookieDomain is set');
}

# the path is matched decoded and normalised, as the backend routes it
for my $path ('/email/%75nsubscribe/abc', '//email/dnc/abc', '/x/../email/dnc/abc') {
    my $res = get_from('mautic_fpm', $path, Cookie => $held);
    is_deeply([ expiries($res) ], [ 'mautic_device_id', 'mtc_id' ],
              "$path is a revocation path");
}

# other routes of the same app are not revocations
{
    my $res = get_from('mautic_fpm', '/email/view/abc', Cookie => $held);
    is_deeply([ expiries($res) ], [], 'a non-revocation path expires nothing');
    ok(has_cookie($res, 'mautic_referer_id'), 'and lets consented tracking through');
}

# ConsentRevokePath on another vhost, with ConsentCookieDomain: both
# the host-only cookie and the domain cookie are expired
{
    my $res = get_from('strict', '/cgi/bye/now', Cookie => 'mautic_device_id=abc');
    my @lines = grep { /^mautic_device_id=;/ } set_cookie_lines($res);
    is(scalar(@lines), 2, 'ConsentRevokePath: two expiries');
    is(scalar(grep { /Domain=example\.test/ } @lines), 1, 'one on the consent domain');
    is(scalar(grep { !/Domain=/ } @lines), 1, 'one host-only');

    $res = get_from('strict', '/cgi/bye/echo',
                    Cookie => 'site_consent=1; mautic_device_id=abc');
    like($res->content, qr/^consent-state: revoked$/m, 'the backend is told revoked');
    like($res->content, qr/^mautic_device_id: $/m, 'and gets no tracking cookie');

    # Mautic in a subfolder (here /cgi) has its links there too; its admin
    # area (/s/) never revokes
    $res = get_from('gate', '/cgi/email/dnc/abc', Cookie => $held);
    is_deeply([ expiries($res) ], [ 'mautic_device_id', 'mtc_id' ],
              'a subfolder\'s unsubscribe link revokes');
    $res = get_from('gate', '/cgi/s/email/dnc/abc', Cookie => $held);
    is_deeply([ expiries($res) ], [], 'the admin area never revokes');
}

# behind Mautic's .htaccess fallback (no mod_rewrite): /index.php/<route>
{
    my $res = get_from('mautic_fpm', '/index.php/email/unsubscribe/abc123',
                       Cookie => $held);
    like($res->content, qr/unsubscribed/, '/index.php/...: served by the backend');
    is_deeply([ expiries($res) ], [ 'mautic_device_id', 'mtc_id' ],
              '/index.php/email/unsubscribe/...: the tracking cookies are expired');
}

# a preference centre (ConsentRevokeMethod post): its GET shows a form and
# withdraws nothing, but carries no tracking cookie either; its POST does
{
    my $res = get_from('gate', '/prefs/email/unsubscribe/abc123', Cookie => $held);
    like($res->content, qr/<form/, 'preference centre: the GET is a form');
    ok(!grep({ /^(mautic_device_id|mtc_id|mautic_referer_id)=[^;]/ }
             set_cookie_lines($res)), 'preference centre GET: no tracking cookie');
    is_deeply([ expiries($res) ], [], 'preference centre GET: nothing expired');
    ok(!grep({ /^mautic_consent=/ } set_cookie_lines($res)),
       'preference centre GET: the consent is not turned into a refusal');
    ok(has_cookie($res, SESSION), 'preference centre GET: the session passes');

    $res = post_from('gate', '/prefs/email/unsubscribe/abc123', Cookie => $held);
    like($res->content, qr/unsubscribed/, 'preference centre POST: unsubscribed');
    is_deeply([ expiries($res) ], [ 'mautic_device_id', 'mtc_id' ],
              'preference centre POST: the tracking cookies are expired');
    ok(grep({ /^mautic_consent=cg1\.\./ } set_cookie_lines($res)),
       'preference centre POST: a refusal is recorded');

    # without the directive, the same GET withdraws
    $res = get_from('gate', '/cgi/email/unsubscribe/abc123', Cookie => $held);
    is_deeply([ expiries($res) ], [ 'mautic_device_id', 'mtc_id' ],
              'ConsentRevokeMethod any: the GET withdraws');
}

# 7.2's confirmation page withdraws nothing and carries no tracking cookie
{
    my $res = get_from('gate', '/cgi/email/validate/unsubscribe/s3cr3t/abc123',
                       Cookie => $held);
    like($res->content, qr/Confirm/, 'validate: the confirmation form');
    is_deeply([ expiries($res) ], [], 'validate: nothing expired');
    ok(!grep({ /^mautic_consent=/ } set_cookie_lines($res)),
       'validate: the consent stays');
    $res = get_from('gate', '/cgi/email/validate/unsubscribe/s3cr3t/echo',
                    Cookie => $held);
    like($res->content, qr/^consent-state: held$/m, 'validate: the backend is told held');
    like($res->content, qr/^mautic_device_id: $/m, 'validate: and gets no tracking cookie');
}

done_testing();
