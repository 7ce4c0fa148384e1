# On an https site, every cookie the module writes carries Secure: the
# consent cookie, a forget's refusal and expiries, a revocation's expiries.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use CG;

my $res = post_from('secure_scheme', '/consentgate/consent', 'Sec-Fetch-Site' => 'same-origin',
                    'Content-Type' => 'application/x-www-form-urlencoded',
                    content => 'categories=tracking');
is($res->code, 204, 'consent recorded');
like((grep { /^mautic_consent=/ } set_cookie_lines($res))[0] || '', qr/; SameSite=Lax; Secure$/,
     'the consent cookie is Secure');

$res = get_from('secure_scheme', '/consentgate/forget', Cookie => 'mtc_id=5');
my @lines = set_cookie_lines($res);
ok(@lines >= 2, 'forget writes cookies');
is(scalar(grep { !/; Secure$/ } @lines), 0, 'all of them Secure');

$res = get_from('secure_scheme', '/cgi/email/dnc/abc', Cookie => 'mautic_consent=1; mtc_id=5');
@lines = grep { /^(mtc_id|mautic_consent)=/ } set_cookie_lines($res);
is(scalar(@lines), 2, 'a revocation path expires and refuses');
is(scalar(grep { !/; Secure$/ } @lines), 0, 'with Secure');

# an ordinary http site: no Secure (a browser would refuse the cookie)
$res = get_from('gate', '/consentgate/forget', Cookie => 'mtc_id=5');
is(scalar(grep { /Secure/ } set_cookie_lines($res)), 0, 'no Secure over http');

done_testing();
