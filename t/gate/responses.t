# Responses of every kind keep the gate: HEAD, 304, backend errors, error
# documents reached by internal redirect, mod_headers' cookies on a canned
# error page, Mautic 4.x cookies, deletions, and Mattermost's own cookies.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use CG;

my @tracking = TRACKING;
my $all = [ sort @tracking ];
my @consent = (Cookie => "mautic_consent=1");

# HEAD
{
    my $res = head_from('gate', '/cgi/mtracking.gif');
    is_deeply([ tracking_names($res) ], [], 'HEAD: gated');
    $res = head_from('gate', '/cgi/mtracking.gif', Cookie => 'mautic_consent=1');
    is_deeply([ sort(tracking_names($res)) ], $all, 'HEAD with consent');
}

# the debug log names each removed line's cookie and why, once per line
{
    my $log = Apache::Test::vars('t_logs') . '/error_log';
    my $before = -s $log // 0;
    my $res = get_from('gate', '/cgi/mtracking.gif', 'X-Log-Mark' => 'responses');
    is_deeply([ tracking_names($res) ], [], 'removed for the log check');
    open my $fh, '<', $log or die "$log: $!";
    seek $fh, $before, 0;
    my @lines = grep { /CG002: removed Set-Cookie/ } <$fh>;
    my @names = map { /removed Set-Cookie (\S+) \(tracking, consent state none\)/ ? $1 : () } @lines;
    is_deeply([ sort @names ], $all, 'CG002 names each removed tracking cookie')
        or diag(@lines);
}

# 304 Not Modified
for my $t ([ 'cgi', 'gate', '/cgi' ], [ 'proxy', 'gate', '/proxy' ],
           [ 'fpm', 'mautic_fpm', '' ]) {
    my ($name, $vhost, $prefix) = @$t;
    my $res = get_from($vhost, "$prefix/etag", 'If-None-Match' => '"v1"');
    is($res->code, 304, "$name: 304");
    is_deeply([ tracking_names($res) ], [], "$name: 304 gated");
    ok(!empty_set_cookie($res), "$name: 304 has no empty Set-Cookie");
    $res = get_from($vhost, "$prefix/etag", 'If-None-Match' => '"v1"',
                    Cookie => 'mautic_consent=1');
    is_deeply([ sort(tracking_names($res)) ], $all, "$name: 304 with consent");
}

# errors from the backend
for my $t ([ 'cgi', 'gate', '/cgi' ], [ 'proxy', 'gate', '/proxy' ],
           [ 'fpm', 'mautic_fpm', '' ]) {
    my ($name, $vhost, $prefix) = @$t;
    for my $code (404, 500, 503) {
        my $res = get_from($vhost, "$prefix/status/$code");
        is($res->code, $code, "$name: $code passes through");
        is_deeply([ tracking_names($res) ], [], "$name: $code gated");
        ok(has_cookie($res, SESSION), "$name: $code keeps the session cookie");
        ok(!empty_set_cookie($res), "$name: $code has no empty Set-Cookie");
        $res = get_from($vhost, "$prefix/status/$code", @consent);
        is_deeply([ sort(tracking_names($res)) ], $all, "$name: $code with consent");
    }
}

# ErrorDocument: a missing file, answered by the backend's catch-all after
# an internal redirect, which cookies the visitor as Mautic's 404 page does
{
    my $res = get_from('gate', '/errdoc/nothing-here.html');
    is($res->code, 404, 'ErrorDocument: 404');
    like($res->content, qr/Not found/, 'ErrorDocument: the backend answered');
    is_deeply([ tracking_names($res) ], [], 'ErrorDocument: gated');
    $res = get_from('gate', '/errdoc/nothing-here.html', @consent);
    is_deeply([ sort(tracking_names($res)) ], $all, 'ErrorDocument with consent');
}

# mod_headers: "Header always" cookies on a page and on a canned 404
for my $path ('/hdr/page.txt', '/hdr/missing.txt') {
    my $res = get_from('gate', $path);
    ok(!has_cookie($res, 'mtc_id'), "$path: mod_headers' tracking cookie gated");
    ok(has_cookie($res, 'MMCSRF'), "$path: its necessary cookie kept");
    ok(!empty_set_cookie($res), "$path: no empty Set-Cookie");
    is($res->header('X-Beside-Cookies'), 'kept',
       "$path: the header beside the cookies stays");
    $res = get_from('gate', $path, @consent);
    ok(has_cookie($res, 'mtc_id'), "$path: with consent it passes");
}
is(get_from('gate', '/hdr/missing.txt')->code, 404, 'the canned error is a 404');

# Mautic 4.x: PHP's attribute spelling, and mtc_sid which is never set again
{
    my $res = get_from('gate', '/cgi/v4/mtracking.gif');
    is_deeply([ tracking_names($res) ], [], '4.x: gated');
    $res = get_from('gate', '/cgi/v4/mtracking.gif', @consent);
    is_deeply([ sort(tracking_names($res)) ], [ 'mautic_device_id', 'mtc_id' ],
              '4.x with consent: mtc_sid is dropped, the others pass');
    my $open = get_from('gate', '/off/v4/mtracking.gif');
    ok(has_cookie($open, 'mtc_sid'), '4.x: the backend does set mtc_sid');
}

# deleting a tracking cookie never tracks: it always passes, rewritten to
# the canonical deletion (empty value, same Path and Secure) so a misread
# line can carry no identifier
{
    my $res = get_from('gate', '/cgi/deleted');
    my @lines = set_cookie_lines($res);
    is(scalar(grep { /^(mtc_id|mautic_device_id)=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=\/; Secure; SameSite=lax$/ } @lines), 2,
       'deletions pass without consent, in canonical form')
        or diag(join("\n", @lines));
    $res = get_from('gate', '/cgi/deleted', 'Sec-GPC' => '1');
    is(scalar(set_cookie_lines($res)), 2, 'and with GPC');
}

# Mattermost's cookies are necessary: they pass untouched, byte for byte
{
    my @open = set_cookie_lines(get_from('gate', '/off/mattermost/login'));
    is(scalar(@open), 3, 'Mattermost sets three cookies');
    for my $h ([], [ 'Sec-GPC' => '1' ], [ Cookie => 'mautic_consent=0' ]) {
        my @gated = set_cookie_lines(get_from('gate', '/cgi/mattermost/login', @$h));
        is_deeply(\@gated, \@open, "Mattermost cookies untouched (@$h)");
    }
}

# Vary only where the decision mattered
{
    my $res = get_from('gate', '/cgi/mattermost/login');
    unlike($res->header('Vary') || '', qr/Cookie/,
           'no Vary when only necessary cookies were set');
    # httpd's header filter joins Vary tokens with ","
    my $vary = sub { [ split /\s*,\s*/, get_from('gate', $_[0])->header('Vary') || '' ] };
    is_deeply($vary->('/cgi/mtracking.gif'), [ qw(Cookie Sec-GPC DNT) ],
              'Vary names every input');
    is_deeply($vary->('/gpconly/mtracking.gif'), [ qw(Cookie Sec-GPC) ],
              'Vary follows ConsentSignals');
    is_deeply($vary->('/nosignals/mtracking.gif'), [ 'Cookie' ],
              'no signals honoured, only Cookie');
}

# a backend may spell the header's name in any case: httpd keeps its
# spelling, the browser reads every spelling
{
    require MIME::Base64;
    my $line = MIME::Base64::encode_base64url('mtc_id=7; path=/');
    for my $name (qw(Set-Cookie set-cookie SET-COOKIE sEt-CoOkIe)) {
        my $res = get_from('cookie_gate', "/setcookie?n=$name&l=$line");
        is($res->code, 200, "$name: answered");
        is_deeply([ cookie_names($res) ], [], "$name: the tracking cookie removed");
        $res = get_from('cookie_gate', "/setcookie?n=$name&l=$line",
                        Cookie => 'mautic_consent=1');
        is_deeply([ cookie_names($res) ], ['mtc_id'], "$name: passed with consent");
    }
}

done_testing();
