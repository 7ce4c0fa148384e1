# ConsentGoogleConsentMode: the page gets gtag('consent', 'default', ...)
# for the visitor's state right after <head>, before the page's own
# first script: all denied without consent or with GPC, the mapped types
# granted with consent; bearing the nonce of the page's policy, left out
# when the policy blocks it. The ETag names the state, so a 304 only
# answers the state it was made for; a bad map fails the configuration
# test, naming the directive.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use CG;

my $gtag = qr!window\.dataLayer=window\.dataLayer\|\|\[\];function gtag\(\)\{dataLayer\.push\(arguments\);\}gtag\('consent','default',(\{[^\}]*\})\);</script>!;
sub defaults {
    my %g = @_;
    return '{' . join(',', map { "\"$_\":\"" . ($g{$_} ? 'granted' : 'denied') . '"' }
                      qw(ad_storage ad_user_data ad_personalization analytics_storage)) . '}';
}
sub vary_has {
    my ($res, @want) = @_;
    my %v = map { lc($_) => 1 } map { split /\s*,\s*/ } $res->header('Vary');
    return !grep { !$v{lc $_} } @want;
}

my $res = get_from('csp', '/app/gcm');
my $body = $res->content;
like($body, qr{<html><head><script>$gtag<meta charset="utf-8"><script>\s*window\.seen},
     'new visitor: the default right after <head>, before the page\'s first script');
my ($d) = $body =~ $gtag;
is($d, defaults(), 'new visitor: every type denied');
ok(vary_has($res, qw(Cookie Sec-GPC DNT)), 'Vary on the inputs of the decision')
    or diag($res->header('Vary'));
is(() = $body =~ /gtag\('consent'/g, 1, 'one default, once');

# ConsentModeMap tracking analytics_storage: the ad types stay denied
($d) = get_from('csp', '/app/gcm', Cookie => 'mautic_consent=1')->content =~ $gtag;
is($d, defaults(analytics_storage => 1), 'consent: the mapped type granted, the rest denied');
($d) = get_from('csp', '/app/gcm', Cookie => 'mautic_consent=1', 'Sec-GPC' => '1')->content =~ $gtag;
is($d, defaults(), 'consent and GPC: every type denied');
($d) = get_from('csp', '/app/gcm', Cookie => 'mautic_consent=0')->content =~ $gtag;
is($d, defaults(), 'refusal: every type denied');

# the page's policy
$body = get_from('csp', '/app/gcm?csp=nonce')->content;
like($body, qr{<head><script nonce="R4nd0mN0nce">$gtag}, 'the page\'s nonce on the script');
# a policy that blocks inline scripts but allows this origin's: the
# default from the endpoint, the query carrying the state
$res = get_from('csp', '/app/gcm?csp=strict', Cookie => 'mautic_consent=1');
like($res->content, qr{<html><head><script src="/consentgate/consent-mode\.js\?ad_storage=denied&amp;ad_user_data=denied&amp;ad_personalization=denied&amp;analytics_storage=granted"></script><meta charset="utf-8"><script src="seen\.js">},
     'a policy without inline scripts: the default from this origin, first');
$res = get_from('csp', '/consentgate/consent-mode.js?ad_storage=denied&ad_user_data=denied&ad_personalization=denied&analytics_storage=granted');
is($res->code, 200, 'the endpoint serves it');
like($res->header('Content-Type'), qr{^text/javascript}, 'as JavaScript');
($d) = ($res->content . '</script>') =~ $gtag;
is($d, defaults(analytics_storage => 1), 'the defaults the query names');
is(get_from('csp', '/consentgate/consent-mode.js?ad_storage=denied&x=alert(1)')->code, 404,
   'a query that is not all consent types: 404');
is(get_from('csp', '/consentgate/consent-mode.js')->code, 404, 'no query: 404');
$res = get_from('csp', '/app/gcm?csp=foreign');
unlike($res->content, qr/gtag|consent-mode/, 'a policy that allows neither: no default');
like($res->content, qr{<html><head><meta charset="utf-8"><script>}, 'and the page as sent');

# static page: the default after <head>, the banner before </head>, the
# default map (tracking grants every type)
$res = get_from('csp', '/page.html', Cookie => 'mautic_consent=1');
$body = $res->content;
like($body, qr{<html><head><script>$gtag<meta charset="utf-8"><title>Static</title><script src="/consentgate/banner\.js" defer></script></head>},
     'both: the default first, the banner tag at </head>');
($d) = $body =~ $gtag;
is($d, defaults(map { $_ => 1 } qw(ad_storage ad_user_data ad_personalization analytics_storage)),
   'default map: tracking grants every type');
ok(!defined $res->header('Content-Length') || $res->header('Content-Length') == length $body,
   'Content-Length, if any, is the body\'s');

my $etag = $res->header('ETag');
like($etag, qr/-cg[0-9a-f]{8}"$/, 'the ETag names the consent state') or diag($etag);
my $other = get_from('csp', '/page.html')->header('ETag');
isnt($other, $etag, 'another state, another ETag');
$res = get_from('csp', '/page.html', Cookie => 'mautic_consent=1', 'If-None-Match' => $etag);
is($res->code, 304, 'the same state revalidates: 304');
is($res->header('ETag'), $etag, '304 with the variant\'s ETag');
$res = get_from('csp', '/page.html', 'If-None-Match' => $etag);
is($res->code, 200, 'another state does not: 200');
like($res->content, $gtag, 'and gets its own default');

# the mode is off outside its scope
unlike(get_from('csp', '/app/page')->content, qr/gtag/, 'no default where the mode is off');

# configuration errors
my ($rc, $out) = config_test(<<'OK');
ConsentGate On
ConsentGoogleConsentMode On
ConsentModeMap marketing ad_storage,ad_user_data,ad_personalization
ConsentModeMap analytics analytics_storage
<Location /x>
    ConsentModeMap prefs functionality_storage personalization_storage
</Location>
OK
is($rc, 0, 'good lines accepted') or diag($out);
for my $case (
    [ 'ConsentModeMap marketing ad_storage,adstorage', qr/ConsentModeMap: 'adstorage' is not a consent type \(known: ad_storage, / ],
    [ 'ConsentModeMap Marketing ad_storage', qr/ConsentModeMap: invalid category 'Marketing'/ ],
    [ 'ConsentModeMap marketing', qr/ConsentModeMap: CATEGORY TYPE/ ],
    [ 'ConsentModeMap marketing ,', qr/ConsentModeMap: CATEGORY TYPE/ ],
    [ 'ConsentGoogleConsentMode Maybe', qr/ConsentGoogleConsentMode must be On or Off/ ],
) {
    my ($line, $expect) = @$case;
    ($rc, $out) = config_test($line);
    isnt($rc, 0, "refused: $line");
    like($out, $expect, 'the message names the directive and the fault');
}

done_testing();
