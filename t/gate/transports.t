# The gate on Mautic's cookie-setting routes, reached three ways: CGI
# (cookies in err_headers_out), mod_proxy_http (headers_out) and php-fpm
# behind mod_proxy_fcgi after Mautic's .htaccess rewrite to index.php.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use CG;

my @transports = (
    # name, gated vhost and prefix, the same backend ungated
    [ 'cgi',   'gate',       '/cgi',   'gate',            '/off' ],
    [ 'proxy', 'gate',       '/proxy', 'default',         '/app' ],
    [ 'fpm',   'mautic_fpm', '',       'mautic_fpm_open', '' ],
);

# every Mautic route that sets tracking cookies, one a line
my @routes = (
    '/mtracking.gif',
    '/mtc/event',
    '/mtc',
    '/focus/7/viewpixel.gif',
    '/asset/guide.pdf',
    '/r/abc?ct=Y3Q',
    '/redirect/abc?ct=Y3Q',
    '/form/submit',
    '/form/submit/ajax',
    '/form/3',
    '/form/embed/3',
    '/dwc',
    # only a visitor already known (here by the parameter mtc.js sends)
    '/dwc/slot1?mautic_device_id=abc123',
    '/video/hit',
    '/notification/subscribe',
    '/plugin/salesforce/tracking.gif',
    '/email/resubscribe/5f1d2a',
    '/landing-ab',
    '/email/view/abc',
    '/email/abc.gif',
    '/missing-page',
);

for my $t (@transports) {
    my ($name, $vhost, $prefix, $open_vhost, $open_prefix) = @$t;
    for my $route (@routes) {
        my $what = "$name $route";
        my $open = get_from($open_vhost, "$open_prefix$route");
        my @baseline = sort(tracking_names($open));
        ok(scalar(@baseline) >= 1,
           "$what: the backend sets tracking cookies (@baseline)");

        my $res = get_from($vhost, "$prefix$route");
        is_deeply([ tracking_names($res) ], [],
                  "$what: no tracking cookie without consent");
        ok(!empty_set_cookie($res), "$what: no empty Set-Cookie line");
        {
            # the backend answered differently because the gate removed
            # the identifying parameter, yet no cookie needed a decision
            like($res->header('Vary') || '', qr/\bCookie\b/,
                 "$what: Vary names Cookie");
        }
        is($res->code, $open->code, "$what: status unchanged");

        $res = get_from($vhost, "$prefix$route",
                        Cookie => 'mautic_consent=1');
        is_deeply([ sort(tracking_names($res)) ], \@baseline,
                  "$what: consent lets every tracking cookie through");

        $res = get_from($vhost, "$prefix$route",
                        Cookie => 'mautic_consent=1', 'Sec-GPC' => '1');
        is_deeply([ tracking_names($res) ], [],
                  "$what: Sec-GPC: 1 beats the consent");

        $res = get_from($vhost, "$prefix$route",
                        Cookie => 'mautic_consent=1', DNT => '1');
        is_deeply([ tracking_names($res) ], [],
                  "$what: DNT: 1 beats the consent");
    }

    # what is necessary passes whatever the visitor chose
    my $res = get_from($vhost, "$prefix/form/submit");
    ok(has_cookie($res, SESSION), "$name: the session cookie of a form passes");
    is($res->code, 302, "$name: the form still redirects");

    # an email link without ct= sets nothing, gated or not
    $res = get_from($vhost, "$prefix/r/abc");
    is_deeply([ cookie_names($res) ], [], "$name: /r/ without ct sets nothing");

    # /dwc/{alias} is NON_TRACKABLE: a visitor nobody knows gets nothing
    $res = get_from($open_vhost, "$open_prefix/dwc/slot1");
    is_deeply([ cookie_names($res) ], [], "$name: /dwc/slot1 ungated cookies no new visitor");
    $res = get_from($vhost, "$prefix/dwc/slot1", Cookie => 'mautic_consent=1');
    is_deeply([ cookie_names($res) ], [], "$name: /dwc/slot1 with consent cookies no new visitor");

    # the ajax form answers JSON and keeps its session cookie
    $res = get_from($vhost, "$prefix/form/submit/ajax");
    ok(has_cookie($res, SESSION), "$name: the session cookie of an ajax form passes");
    like($res->header('Content-Type') || '', qr{application/json},
         "$name: the ajax form answers JSON");
}

done_testing();
