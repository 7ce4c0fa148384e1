# {endpoint}/object: a visitor objects to the anonymous count. A POST from
# the site sets consentgate_object=1 (strictly necessary, no identifier)
# or expires it; another site cannot; a GET is a page with the button; a
# pixel request that carries the objection is not counted.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use Apache::Test ();
use Apache::TestRequest ();
use CG;

Apache::TestRequest::module('gate');
my $origin = 'http://' . Apache::TestRequest::hostport();
my $form = 'application/x-www-form-urlencoded';
my $json = 'application/json';
my @ua = ('User-Agent' => 'Mozilla/5.0 (X11; Linux x86_64) ObjectTest/1');

sub object {
    my ($body, $type, @headers) = @_;
    return post_from('gate', '/consentgate/object', content => $body,
                     'Content-Type' => $type, @headers);
}

# objecting, from the site's own page
my $res = object('{"object": true}', $json, 'Sec-Fetch-Site' => 'same-origin');
is($res->code, 204, 'a same-origin POST objects (204)');
my @lines = set_cookie_lines($res);
is(scalar @lines, 1, 'one Set-Cookie');
like($lines[0], qr/^consentgate_object=1; Max-Age=15552000; Path=\/; SameSite=Lax$/,
     'consentgate_object=1 for ConsentMaxAge, host-only, SameSite=Lax');
is($res->header('Cache-Control'), 'no-store', 'not cached');
$res = object('object=1&return_to=%2Fprivacy', $form, Origin => $origin);
is($res->code, 303, 'a form with return_to: 303');
is($res->header('Location'), '/privacy', 'back to the page');
like((set_cookie_lines($res))[0], qr/^consentgate_object=1;/, 'and objects');
is(object('', $form, Origin => $origin)->code, 204, 'an empty form objects too');

# withdrawing the objection
$res = object('{"object": false}', $json, 'Sec-Fetch-Site' => 'same-origin');
is($res->code, 204, 'object: false answers 204');
like((set_cookie_lines($res))[0], qr/^consentgate_object=; Max-Age=0;/,
     'and expires the cookie');
like((set_cookie_lines(object('object=0', $form, Origin => $origin)))[0],
     qr/^consentgate_object=; Max-Age=0;/, 'object=0 in a form too');

# refused
for my $h ([ 'Sec-Fetch-Site' => 'cross-site' ],
           [ Origin => 'https://evil.example' ], []) {
    my $r = object('{"object": true}', $json, @$h);
    is($r->code, 403, "from another site (@$h): 403");
    is_deeply([ set_cookie_lines($r) ], [], '... and no cookie');
}
is(object('{"object": "yes"}', $json, Origin => $origin)->code, 400, 'a bad choice: 400');
is(object('object=1', 'text/plain', Origin => $origin)->code, 400, 'an unknown type: 400');
is(object('object=1&x=' . ('a' x 2000), $form, Origin => $origin)->code, 413, 'a long body: 413');
$res = Apache::TestRequest::PUT('/consentgate/object', content => '');
is($res->code, 405, 'PUT: 405');
like($res->header('Allow') // '', qr/GET.*POST|POST.*GET/, 'Allow: GET, POST');

# the GET: a page whose button posts the choice, and no cookie
$res = get_from('gate', '/consentgate/object');
is($res->code, 200, 'GET: a page');
like($res->content, qr/<form method="post" action="\/consentgate\/object">.*name="object" value="1"/s,
     'whose form posts the objection');
is_deeply([ set_cookie_lines($res) ], [], 'a GET sets nothing');
like(get_from('gate', '/consentgate/object', Cookie => 'consentgate_object=1')->content,
     qr/name="object" value="0"/, 'to an objector it offers the withdrawal');

# exact path only
for my $path ('/consentgate/object/', '/consentgate/x/object', '/consentgate/object/x') {
    is(get_from('gate', $path)->code, 404, "$path: 404");
}

# the pixel does not count an objector
sub today {
    return JSON::PP::decode_json(get_from('gate', '/consentgate/status?format=json')->content)->{today};
}
my $before = today();
get_from('gate', '/consentgate/pixel.gif', @ua, Cookie => 'consentgate_object=1');
get_from('gate', '/consentgate/pixel.gif', @ua, Cookie => 'a=1; consentgate_object=1');
is(today()->{views}, $before->{views}, 'a pixel request with the objection is not counted');
$res = get_from('gate', '/consentgate/pixel.gif', @ua, Cookie => 'consentgate_object=1');
is($res->code, 200, '... though it still gets its GIF');
is(length($res->content), 43, '... of 43 bytes');
get_from('gate', '/consentgate/pixel.gif', @ua, Cookie => 'consentgate_object=0');
is(today()->{views}, $before->{views} + 1, 'without the objection it is counted');

done_testing();
