# /consentgate/forget: expires every cookie that is not necessary, records
# a refusal the gate then honours, and adds Clear-Site-Data only when asked.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use CG;

my $held = 'mautic_consent=1; mtc_id=5; mautic_device_id=abc; mtc_sid=x; '
         . 'MMAUTHTOKEN=t; 0123456789abcdef0123456789abcdef=s; theme=dark';

sub expired { sort map { /^([^=]+)=;.*Max-Age=0/ ? $1 : () } set_cookie_lines($_[0]) }

my $res = get_from('gate', '/consentgate/forget', Cookie => $held);
is($res->code, 204, 'GET answers 204');
is_deeply([ expired($res) ], [ qw(mautic_device_id mtc_id mtc_sid) ],
          'tracking and drop-class cookies are expired, nothing necessary');
ok(!$res->header('Clear-Site-Data'), 'no Clear-Site-Data by default');
my ($line) = grep { /^mautic_consent=/ } set_cookie_lines($res);
my ($refusal) = ($line || '') =~ /^mautic_consent=([^;]+)/;
like($refusal || '', qr/^cg1\.\.\d+\.0\.[0-9a-f]{32}$/, 'the consent becomes a refusal');

my $after = get_from('gate', '/cgi/mtracking.gif', Cookie => "mautic_consent=$refusal");
is_deeply([ tracking_names($after) ], [], 'which stops tracking cookies');

$res = post_from('gate', '/consentgate/forget', Cookie => $held, 'Sec-Fetch-Site' => 'same-origin',
                 content => 'return_to=%2Fbye', 'Content-Type' => 'application/x-www-form-urlencoded');
is($res->code, 303, 'a form POST with return_to: 303');
is($res->header('Location'), '/bye', 'to that path');

is(Apache::TestRequest::PUT('/consentgate/forget')->code, 405, 'PUT is not allowed')
    if Apache::TestRequest::module('gate');

# another vhost: its own endpoint, domain and Clear-Site-Data
$res = get_from('strict', '/privacy/forget', Cookie => 'mtc_id=5',
               'Sec-Fetch-Site' => 'same-origin');
is($res->code, 204, 'ConsentEndpoint /privacy');
is($res->header('Clear-Site-Data'), '"storage"', 'ConsentClearSiteData storage');
ok(!get_from('strict', '/privacy/forget', Cookie => 'mtc_id=5')->header('Clear-Site-Data'),
   'no Clear-Site-Data for a request that did not show it came from this site');
my @mtc = grep { /^mtc_id=;/ } set_cookie_lines($res);
is(scalar(@mtc), 2, 'expired host-only and on ConsentCookieDomain');
ok(scalar(grep { /Domain=example\.test/ } @mtc), 'the domain variant');
like((grep { /^site_consent=/ } set_cookie_lines($res))[0] || '',
     qr/^site_consent=cg1\.\.\d+\.2\.[0-9a-f]{32}; Max-Age=3600; Path=\/; Domain=example\.test; SameSite=Lax$/,
     'the refusal under that vhost\'s name, revision, lifetime and domain');
is(get_from('strict', '/consentgate/forget')->code, 404,
   'the default path is not an endpoint there');

# another site cannot make the visitor forget: a cross-site POST is
# refused, a cross-site GET (an <img>, a link) gets a page whose button
# posts the withdrawal, and neither changes anything
{
    my $res = post_from('gate', '/consentgate/forget', Cookie => $held,
                        'Sec-Fetch-Site' => 'cross-site', content => '',
                        'Content-Type' => 'application/x-www-form-urlencoded');
    is($res->code, 403, 'a cross-site POST is refused');
    is_deeply([ expired($res) ], [], '... and expires nothing');
    $res = post_from('gate', '/consentgate/forget', Cookie => $held,
                     Origin => 'https://evil.example', content => '',
                     'Content-Type' => 'application/x-www-form-urlencoded');
    is($res->code, 403, 'a POST from another Origin is refused');
    for my $site ('cross-site', 'same-site') {
        $res = get_from('gate', '/consentgate/forget', Cookie => $held,
                        'Sec-Fetch-Site' => $site);
        is($res->code, 200, "a $site GET: a page");
        like($res->content, qr{<form method="post" action="/consentgate/forget">},
             "$site: whose button posts the withdrawal");
        like($res->content, qr{<input type="hidden" name="return_to" value="/consentgate/receipt">},
             "$site: then shows the visitor's receipt page");
        is_deeply([ set_cookie_lines($res) ], [], "$site: and no cookie is touched");
    }
    $res = get_from('gate', '/consentgate/forget?return_to=/thanks', Cookie => $held,
                    'Sec-Fetch-Site' => 'cross-site');
    like($res->content, qr{<input type="hidden" name="return_to" value="/thanks">},
         'a link\'s own return_to is kept for the button');
    $res = get_from('gate', '/consentgate/forget?return_to=https://evil.example/', Cookie => $held,
                    'Sec-Fetch-Site' => 'cross-site');
    like($res->content, qr{<input type="hidden" name="return_to" value="/consentgate/receipt">},
         'another site\'s return_to is not: the receipt page instead');
    $res = get_from('gate', '/consentgate/forget', Cookie => $held,
                    'Sec-Fetch-Site' => 'none');
    is_deeply([ expired($res) ], [ qw(mautic_device_id mtc_id mtc_sid) ],
              'a GET typed or bookmarked by the visitor withdraws');
    $res = post_from('gate', '/consentgate/forget', Cookie => $held,
                     'Sec-Fetch-Site' => 'same-origin', content => '',
                     'Content-Type' => 'application/x-www-form-urlencoded');
    is_deeply([ expired($res) ], [ qw(mautic_device_id mtc_id mtc_sid) ],
              'the page\'s POST, from this site, withdraws');
}

# the revocation receipt
{
    my $file = Apache::Test::vars('t_logs') . '/receipts.jsonl';
    open my $fh, '<', $file or die "$file: $!";
    my ($rid) = $refusal =~ /\.([0-9a-f]{32})$/;
    ok(scalar(grep { /"id":"$rid"/ && /"action":"revoke"/ } <$fh>),
       'a revoke receipt with the id in the cookie');
}

done_testing();
