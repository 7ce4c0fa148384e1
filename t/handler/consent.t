# POST /consentgate/consent records a choice: the consent cookie in the
# module's structured form, a receipt line, and only from the site itself.
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

sub consent {
    my ($vhost, $body, @headers) = @_;
    return post_from($vhost, '/consentgate/consent', content => $body,
                     'Content-Type' => $form, @headers);
}

sub consent_value {
    my ($res) = @_;
    my ($line) = grep { /^mautic_consent=/ } set_cookie_lines($res);
    return $line && $line =~ /^mautic_consent=([^;]*)/ ? $1 : undef;
}

# a grant from the site's own page
my $res = consent('gate', 'categories=tracking', Origin => $origin);
is($res->code, 204, 'a fetch() gets 204');
my ($line) = grep { /^mautic_consent=/ } set_cookie_lines($res);
like($line, qr/^mautic_consent=cg1\.tracking\.\d{10}\.0\.[0-9a-f]{32}; Max-Age=15552000; Path=\/; SameSite=Lax$/,
     'the structured consent cookie');
is($res->header('Cache-Control'), 'no-store', 'never cached');
my $value = consent_value($res);

# the gate honours it at once
my $pixel = get_from('gate', '/cgi/mtracking.gif', Cookie => "mautic_consent=$value");
is(scalar(tracking_names($pixel)), 3, 'the recorded consent lets tracking cookies through');
like(get_from('gate', '/cgi/echo', Cookie => "mautic_consent=$value")->content,
     qr/^consent-state: granted$/m, 'and the backend is told granted');

# Sec-Fetch-Site decides when present, Origin otherwise
is(consent('gate', 'categories=tracking', 'Sec-Fetch-Site' => 'same-origin')->code,
   204, 'Sec-Fetch-Site: same-origin');
for my $h ([ 'Sec-Fetch-Site' => 'cross-site', Origin => $origin ],
           [ 'Sec-Fetch-Site' => 'none' ],
           [ Origin => 'https://evil.example' ],
           [ Origin => 'null' ],
           []) {
    my $r = consent('gate', 'categories=tracking', @$h);
    is($r->code, 403, "refused: @$h");
    ok(!defined consent_value($r), "no cookie set: @$h");
}

# bodies: JSON, several fields, refusal, unknown or broken input
$res = post_from('gate', '/consentgate/consent', Origin => $origin,
                 'Content-Type' => 'application/json',
                 content => '{"categories": ["tracking"]}');
is($res->code, 204, 'a JSON body');
like(consent_value($res) || '', qr/^cg1\.tracking\./, 'grants tracking');

$res = consent('gate', '', Origin => $origin);
is($res->code, 204, 'no category is a refusal');
my $refusal = consent_value($res);
like($refusal || '', qr/^cg1\.\.\d+\.0\.[0-9a-f]{32}$/, 'a structured refusal');
is_deeply([ tracking_names(get_from('gate', '/cgi/mtracking.gif',
                                    Cookie => "mautic_consent=$refusal")) ], [],
          'which the gate honours');

for my $bad ('categories=marketing', 'categories=%zz') {
    $res = consent('gate', $bad, Origin => $origin);
    is($res->code, 400, "400 for $bad");
    ok(!defined consent_value($res), "no cookie for $bad");
}
$res = post_from('gate', '/consentgate/consent', Origin => $origin,
                 'Content-Type' => 'application/json', content => '{"categories": "tracking"');
is($res->code, 400, 'broken JSON');

$res = get_from('gate', '/consentgate/consent');
is($res->code, 405, 'GET is not allowed');
like($res->header('Allow') || '', qr/^POST\b/, 'Allow: POST');
unlike($res->header('Allow') || '', qr/GET/, 'and not GET');

# return_to: a same-origin path only
$res = consent('gate', 'categories=tracking&return_to=%2Flanding%3Fa%3D1', Origin => $origin);
is($res->code, 303, 'a form with return_to gets 303');
is($res->header('Location'), '/landing?a=1', 'to that path');
for my $evil ('https%3A%2F%2Fevil.example%2F', '%2F%2Fevil.example', '%2F%5Cevil.example',
              'javascript%3Aalert(1)') {
    $res = consent('gate', "categories=tracking&return_to=$evil", Origin => $origin);
    is($res->code, 204, "never a redirect to $evil");
}

# Mautic's .htaccess rewrites everything to index.php: not the endpoint
$res = post_from('mautic_fpm', '/consentgate/consent', content => 'categories=tracking',
                 'Content-Type' => $form, 'Sec-Fetch-Site' => 'same-origin');
is($res->code, 204, 'served in front of the rewriting Mautic app');
like(consent_value($res) || '', qr/^cg1\.tracking\./, 'with the cookie');

# the receipts: one JSON object a line, no IP address
{
    my $file = Apache::Test::vars('t_logs') . '/receipts.jsonl';
    consent('gate', 'categories=tracking', Origin => $origin, 'Sec-GPC' => '1');
    open my $fh, '<', $file or die "$file: $!";
    my @lines = <$fh>;
    ok(@lines >= 5, 'receipts were written');
    my @parsed = map { eval { JSON::PP::decode_json($_) } } @lines;
    is(scalar(@parsed), scalar(@lines), 'every line is JSON');
    is_deeply([ sort keys %{ $parsed[-1] } ],
              [ sort qw(id time action categories policy_revision gpc dnt
                        method host lang expires notice prev hash) ],
              'with exactly the documented fields');
    my ($rid) = ($value =~ /\.([0-9a-f]{32})$/);
    my ($mine) = grep { $_->{id} eq $rid } @parsed;
    ok($mine, 'the receipt id in the cookie is in the file');
    is($mine && $mine->{action}, 'grant', 'as a grant');
    is_deeply($mine && $mine->{categories}, [ 'tracking' ], 'of tracking');
    ok($parsed[-1]{gpc}, 'the GPC signal is recorded');
    # the site's host name is recorded; the visitor's address never
    ok(!grep({ /127\.0\.0\.1/ } @lines), 'no address in any receipt');
    is($mine && $mine->{host}, 'localhost', 'the site it was given on');
    ok(!grep({ $_->{action} eq 'grant' && !@{ $_->{categories} } } @parsed),
       'no refused request left a receipt of a grant');
}

done_testing();
