# What the consent cookie means (DESIGN.md): the plain words, the module's
# structured form, its age and policy revision, and two cookies that
# disagree. Anything else is no consent.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use CG;

sub tracking_with {
    my ($cookie, $vhost, $path) = @_;
    my $res = get_from($vhost || 'gate', $path || '/cgi/mtracking.gif',
                       Cookie => $cookie);
    return [ sort(tracking_names($res)) ];
}

my @tracking = TRACKING;
my $all = [ sort @tracking ];

for my $v (qw(1 yes true granted YES Granted "1")) {
    is_deeply(tracking_with("mautic_consent=$v"), $all, "'$v' grants");
}
for my $v (qw(0 no false denied)) {
    is_deeply(tracking_with("mautic_consent=$v"), [], "'$v' refuses");
}
for my $v ('2', 'granted!', 'yess', 'cg1', '%31', 'on', '1.0', 'true1',
           'cg1.tracking', 'cg1.TRACKING.' . time . '.0.r3c31pt0001') {
    is_deeply(tracking_with("mautic_consent=$v"), [], "'$v' is no consent");
}
is_deeply(tracking_with('mautic_consent='), [], 'an empty value is no consent');
is_deeply(tracking_with('other=1'), [], 'no consent cookie, no tracking');
is_deeply(tracking_with('mautic_consent_x=1; xmautic_consent=1'), [],
          'only the exact cookie name counts');

# the module's structured form
is_deeply(tracking_with('mautic_consent='
          . structured_consent(categories => ['tracking'])), $all,
          'structured consent to tracking');
is_deeply(tracking_with('mautic_consent='
          . structured_consent(categories => ['analytics'])), [],
          'consent to another category does not grant tracking');
is_deeply(tracking_with('mautic_consent=' . structured_consent()), [],
          'a structured refusal');
is_deeply(tracking_with('mautic_consent='
          . structured_consent(categories => ['tracking'], when => time + 3600)),
          [], 'a consent stamped in the future is no consent');
is_deeply(tracking_with('mautic_consent='
          . structured_consent(categories => ['tracking'],
                               when => time - 15552000 - 60)),
          [], 'a consent older than the default six months has expired');

# two consent cookies (host-only and domain) must agree
is_deeply(tracking_with('mautic_consent=1; mautic_consent=0'), [],
          'two consent cookies that disagree: no consent');
is_deeply(tracking_with('mautic_consent=0; mautic_consent=1'), [],
          'in either order');
is_deeply(tracking_with('mautic_consent=1; mautic_consent=yes'), $all,
          'two that agree count');

# categories on a per-directory class
is_deeply(tracking_with('mautic_consent='
          . structured_consent(categories => ['tracking']), 'gate',
          '/custom/mtracking.gif'), [ 'mautic_device_id', 'mtc_id' ],
          'custom classes: mtc_id made necessary, the referer needs "analytics"');
{
    my $res = get_from('gate', '/custom/mtracking.gif');
    ok(has_cookie($res, 'mtc_id'), 'a class made necessary passes without consent');
    ok(!has_cookie($res, 'mautic_referer_id'), 'a custom category is gated');
    $res = get_from('gate', '/custom/mtracking.gif', Cookie => 'mautic_consent='
        . structured_consent(categories => [ 'tracking', 'analytics' ]));
    ok(has_cookie($res, 'mautic_referer_id'), 'consent to that category passes it');
}

# server-level rules: another cookie name, revision 2, one hour
my $strict = sub { tracking_with($_[0], 'strict') };
is_deeply($strict->('mautic_consent=1'), [],
          'ConsentCookieName: the default name means nothing there');
is_deeply($strict->('site_consent='
          . structured_consent(categories => ['tracking'], revision => 2)),
          $all, 'the configured name with the current revision');
is_deeply($strict->('site_consent='
          . structured_consent(categories => ['tracking'], revision => 3)),
          $all, 'a newer revision counts');
is_deeply($strict->('site_consent='
          . structured_consent(categories => ['tracking'], revision => 1)),
          [], 'ConsentPolicyRevision: an older revision is no consent');
is_deeply($strict->('site_consent=1'), [],
          'a plain value carries revision 0: no consent under revision 2');
is_deeply($strict->('site_consent='
          . structured_consent(categories => ['tracking'], revision => 2,
                               when => time - 7200)),
          [], 'ConsentMaxAge 3600: a two-hour-old consent has expired');
{
    my $res = get_from('strict', '/cgi/mtracking.gif',
                       Cookie => 'site_consent=0');
    is_deeply([ tracking_names($res) ], [], 'refusal under the configured name');
}

# the consent cookie itself is necessary: a backend may (re)set it
{
    my $res = get_from('gate', '/cgi/misc');
    ok(has_cookie($res, 'shop_pref'), 'unknown cookies pass by default');
    $res = get_from('gate', '/strip/misc');
    ok(!has_cookie($res, 'shop_pref'), 'ConsentUnknownCookies strip removes them');
    $res = get_from('gate', '/strip/misc', Cookie => 'mautic_consent=1');
    ok(!has_cookie($res, 'shop_pref'), '... with consent too: no category to consent to');
    ok(has_cookie($res, 'mautic_referer_id'), '... while tracking passes with consent');
}

done_testing();
