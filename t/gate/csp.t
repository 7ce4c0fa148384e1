# ConsentCSPWithout: a visitor who has not granted a category gets that
# category's Content-Security-Policy on HTML, as a header of its own next
# to the app's (which stays as the app sent it), from CGI, mod_proxy and
# static pages where mod_headers sets the app's; never on other types; the
# response varies on what decided it. A bad policy or category fails the
# configuration test, naming the directive.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use CG;

use constant APP_CSP => "default-src 'self'; img-src *; connect-src *; "
    . "script-src 'self' 'unsafe-inline'";
use constant IMG => "img-src 'self' data:";
use constant CONNECT => "connect-src 'self'";

# every Content-Security-Policy line of a response, sorted (httpd sends
# err_headers_out's first: the order carries no meaning)
sub policies {
    my ($res) = @_;
    return [ sort map { /^Content-Security-Policy:[ \t]*(.*?)\r?$/i ? $1 : () }
             split /\n/, $res->headers->as_string ];
}
sub set { [ sort @_ ] }

sub vary_has {
    my ($res, @want) = @_;
    my %v = map { lc($_) => 1 } map { split /\s*,\s*/ } $res->header('Vary');
    return !grep { !$v{lc $_} } @want;
}

my $tracking = 'mautic_consent=' . structured_consent(categories => ['tracking']);
my $both = 'mautic_consent=' . structured_consent(categories => ['tracking', 'marketing']);

# CGI: the app's policy in the headers CGI hands over
my $res = get_from('csp', '/app/page');
is($res->code, 200, 'the page is served');
is_deeply(policies($res), set(APP_CSP, IMG, CONNECT),
          'no consent: both policies added, the app\'s kept as sent');
ok(vary_has($res, qw(Cookie Sec-GPC DNT)), 'Vary: Cookie, Sec-GPC, DNT')
    or diag($res->header('Vary'));

$res = get_from('csp', '/app/page', Cookie => $both);
is_deeply(policies($res), set(APP_CSP), 'both categories granted: only the app\'s');
ok(vary_has($res, qw(Cookie Sec-GPC DNT)), 'and still Vary on the decision');

$res = get_from('csp', '/app/page', Cookie => $tracking);
is_deeply(policies($res), set(APP_CSP, CONNECT),
          'tracking granted: only marketing\'s policy');

$res = get_from('csp', '/app/page', Cookie => 'mautic_consent=1');
is_deeply(policies($res), set(APP_CSP), 'a plain grant grants every category');

$res = get_from('csp', '/app/page', Cookie => $both, 'Sec-GPC' => '1');
is_deeply(policies($res), set(APP_CSP, IMG, CONNECT),
          'GPC: no category counts as granted');

$res = get_from('csp', '/app/page', Cookie => 'mautic_consent=0');
is_deeply(policies($res), set(APP_CSP, IMG, CONNECT), 'a refusal: both');

$res = head_from('csp', '/app/page');
is_deeply(policies($res), set(APP_CSP, IMG, CONNECT), 'HEAD as GET');

# not HTML: nothing added, nothing to vary on for it
$res = get_from('csp', '/app/json');
is($res->header('Content-Type'), 'application/json', 'JSON is served');
is_deeply(policies($res), set(APP_CSP), 'JSON: only the app\'s policy');
$res = get_from('csp', '/img.gif');
is_deeply(policies($res), [], 'an image: no policy');
ok(!vary_has($res, 'Cookie'), 'an image does not vary on Cookie');

# an error page is HTML too
$res = get_from('csp', '/app/error');
is($res->code, 404, 'the app\'s 404');
is_deeply(policies($res), set(APP_CSP, IMG, CONNECT), 'a 404 page gets them too');

# mod_proxy: the backend's header in headers_out
$res = get_from('csp', '/proxy/page');
is($res->code, 200, 'proxied page served');
is_deeply(policies($res), set(APP_CSP, IMG, CONNECT),
          'proxied: the backend\'s policy kept, ours added');
$res = get_from('csp', '/proxy/page', Cookie => $both);
is_deeply(policies($res), set(APP_CSP), 'proxied, with consent: the backend\'s only');

# mod_headers' "Header set" runs first and cannot replace ours
$res = get_from('csp', '/hdr/page.html');
is_deeply(policies($res), set("default-src 'self'", IMG, CONNECT),
          'Header set keeps its policy, ours are added after it');

# an inner scope adds its own
$res = get_from('csp', '/more/page.html', Cookie => $tracking);
is_deeply(policies($res), set(CONNECT, "frame-src 'none'"),
          'inner scope: its policy after the outer one, each for its category');

# where the gate is off, the policies still apply, by the same decision
$res = get_from('csp', '/admin/page.html');
is_deeply(policies($res), set(IMG, CONNECT, "frame-src 'self'"),
          'gate off: every policy for a visitor without consent');
ok(vary_has($res, qw(Cookie Sec-GPC DNT)), 'gate off: Vary on the decision');
$res = get_from('csp', '/admin/page.html', Cookie => 'mautic_consent=1');
is_deeply(policies($res), [], 'gate off, consent: none');

# a bad line fails httpd -t naming the directive
my ($rc, $out) = config_test(<<'OK');
ConsentGate On
ConsentPreset mautic
ConsentCookieClass marketing ^_fbp$
ConsentCSPWithout marketing "img-src 'self' data:; connect-src 'self'"
<Location /s/>
    ConsentCSPWithout tracking "img-src 'self' data:"
</Location>
# the README's examples
ConsentCookieClass analytics ^rl_
ConsentCSPWithout analytics "connect-src 'self' wss://chat.example.org"
ConsentCSPWithout marketing "script-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'"
OK
is($rc, 0, 'good lines accepted') or diag($out);
unlike($out, qr/no ConsentCookieClass/, 'no warning');
($rc, $out) = config_test(<<'WARN');
ConsentPreset mautic
ConsentCSPWithout gravatar "img-src 'self' data:"
ConsentCSPWithout tracking "img-src 'self' data:"
WARN
is($rc, 0, 'a category no class names is allowed');
like($out, qr/ConsentCSPWithout gravatar: no ConsentCookieClass or preset names this category/,
     'but warned of');
unlike($out, qr/ConsentCSPWithout tracking:/, 'a category the preset names is not');
for my $case (
    [ q{ConsentCSPWithout Tracking "img-src 'self'"}, qr/ConsentCSPWithout: invalid category 'Tracking'/ ],
    [ q{ConsentCSPWithout "" "img-src 'self'"}, qr/ConsentCSPWithout takes two arguments/ ],
    [ q{ConsentCSPWithout tracking " ; "}, qr/ConsentCSPWithout: policy " ; ": an empty policy restricts nothing/ ],
    [ q{ConsentCSPWithout tracking "img-src 'self', frame-src 'none'"}, qr/ConsentCSPWithout: .*',' would start a second policy/ ],
    [ q{ConsentCSPWithout tracking "img-scr 'self'"}, qr/ConsentCSPWithout: .*'img-scr' is not a CSP directive/ ],
    [ qq{ConsentCSPWithout tracking "img-src\t'self'"}, qr/ConsentCSPWithout: .*printable ASCII/ ],
    [ q{ConsentCSPWithout tracking}, qr/ConsentCSPWithout takes two arguments/ ],
) {
    my ($line, $expect) = @$case;
    ($rc, $out) = config_test($line);
    isnt($rc, 0, "refused: $line");
    like($out, $expect, 'the message names the directive and the fault');
}

done_testing();
