# ConsentSource for the banners that are not on npm, and for Matomo and
# GPP: cookie values in each vendor's documented (or observed) format,
# granted, refused, stale where the format is dated, and malformed. Each
# path reads the banner first and our own cookie after it, so:
# - a grant passes Mautic's tracking cookies and names the banner;
# - a refusal holds them back even beside our own `mautic_consent=1`
#   (the banner's explicit choice decides first);
# - a stale or malformed value is no choice at all: nothing passes and no
#   source is named, and beside `mautic_consent=1` our own cookie decides.
# The formats are those of the reference notes on consent banners and of
# t/unit/test_source.c, which cites each vendor's documentation.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use MIME::Base64 qw(encode_base64);
use POSIX qw(strftime);
use URI::Escape qw(uri_escape);
use CG;

my $VH = 'sources_banners';
my $OWN = 'mautic_consent=1';

sub iso { strftime('%Y-%m-%dT%H:%M:%S.000Z', gmtime($_[0])) }
my $now = time - 60;
my $year_ago = time - 400 * 86400;   # past ConsentMaxAge (six months)

sub tracked {
    my ($path, $cookie) = @_;
    return scalar tracking_names(get_from($VH, "/$path/mtracking.gif",
                                          Cookie => $cookie));
}

sub source_of {
    my ($path, $cookie) = @_;
    my $c = get_from($VH, "/$path/echo", Cookie => $cookie)->content;
    my %e = map { /^([\w-]+): ?(.*)$/ ? ($1 => $2) : () } split /\n/, $c;
    return $e{source};
}

# the four cases every banner goes through
sub granted {
    my ($path, $cookie, $what) = @_;
    is(tracked($path, $cookie), 3, "$path $what: tracking cookies pass");
    is(source_of($path, $cookie), $path, "$path $what: CONSENTGATE_SOURCE");
}

sub refused {
    my ($path, $cookie, $what) = @_;
    is(tracked($path, "$cookie; $OWN"), 0,
       "$path $what: none, even beside our own grant");
    is(source_of($path, "$cookie; $OWN"), $path,
       "$path $what: the banner decided");
}

sub no_choice {
    my ($path, $cookie, $what) = @_;
    is(tracked($path, $cookie), 0, "$path $what: none");
    is(source_of($path, $cookie), '', "$path $what: no choice read");
    is(source_of($path, "$cookie; $OWN"), 'own',
       "$path $what: our own cookie decides");
}

# Complianz: one cookie per category, allow|deny; undated
# (complianz-gdpr cookiebanner/js/complianz.js)
granted('complianz', 'cmplz_functional=allow; cmplz_statistics=allow; '
        . 'cmplz_marketing=allow; cmplz_banner-status=dismissed', 'marketing allowed');
refused('complianz', 'cmplz_functional=allow; cmplz_statistics=allow; '
        . 'cmplz_marketing=deny; cmplz_banner-status=dismissed', 'marketing denied');
no_choice('complianz', 'cmplz_functional=allow; cmplz_banner-status=show',
          'functional only (written before any choice)');
no_choice('complianz', 'cmplz_marketing=yes', 'neither allow nor deny');
no_choice('complianz', 'cmplz_marketing=allow; cmplz_marketing=deny',
          'allow and deny');

# WP Consent API: wp_consent_<category>=allow|deny; undated
# (wp-consent-level-api assets/js/wp-consent-api.js)
granted('wpconsent', 'wp_consent_type=optin; wp_consent_functional=allow; '
        . 'wp_consent_marketing=allow', 'marketing allowed');
refused('wpconsent', 'wp_consent_type=optin; wp_consent_statistics=allow; '
        . 'wp_consent_marketing=deny', 'marketing denied');
no_choice('wpconsent', 'wp_consent_type=optout', 'type alone');
no_choice('wpconsent', 'wp_consent_marketing=on', 'neither allow nor deny');

# Borlabs Cookie: URL-encoded JSON, group => service ids, dated by its
# "expires" (the value observed on a site, with our own dates)
sub borlabs {
    my ($marketing, $expires) = @_;
    my $date = strftime('%a, %d %b %Y %H:%M:%S GMT', gmtime($expires));
    my $svc = join(',', map { "\"$_\"" } @$marketing);
    return 'borlabs-cookie=' . uri_escape(
        '{"consents":{"essential":["borlabs-cookie"],"statistics":["google-analytics"],'
        . "\"marketing\":[$svc]},\"domainPath\":\"example.de/\","
        . "\"expires\":\"$date\",\"uid\":\"mnep763s-rd6x72ar-cp4vilgp-78z4hijv\","
        . '"version":"2"}');
}
my $next_year = time + 365 * 86400;
granted('borlabs', borlabs(['mautic', 'facebook-pixel'], $next_year),
        'marketing services');
refused('borlabs', borlabs([], $next_year), 'an empty marketing group');
no_choice('borlabs', borlabs(['mautic'], time - 86400), 'expired');
no_choice('borlabs', 'borlabs-cookie=' . uri_escape('{"consents":'), 'truncated');
no_choice('borlabs', 'borlabs-cookie=' . uri_escape('{"consents":{"marketing":[1.5]}}'),
          'a service that is not a string');

# CookieYes: "key:value," list; action:yes is the visitor's choice; undated
# (the value observed on a site; edgee-cloud/cookieyes-component)
sub cookieyes {
    my ($action, $ad) = @_;
    return 'cookieyes-consent=consentid:WHRLbHhJZVJlTXR3b0F4MUpUQWNCZDRNbXRpTWNEcmE,'
        . "consent:$ad,action:$action,necessary:yes,functional:no,analytics:no,"
        . "performance:no,advertisement:$ad,other:no";
}
granted('cookieyes', cookieyes('yes', 'yes'), 'advertisement yes');
refused('cookieyes', cookieyes('yes', 'no'), 'advertisement no');
no_choice('cookieyes', 'cookieyes-consent=consentid:abc,consent:,action:,'
          . 'necessary:yes,advertisement:yes', 'before any action');
no_choice('cookieyes', 'cookieyes-consent=action:yes,garbage', 'a pair without a colon');

# iubenda: _iub_cs-<policy id>, URL-encoded JSON; purpose 5 is targeting
# and advertising; dated by "timestamp" (the value observed on a site)
sub iubenda {
    my ($when, $purposes) = @_;
    return '_iub_cs-50053366=' . uri_escape(
        '{"timestamp":"' . iso($when) . '","version":"1.75.1","purposes":{'
        . join(',', map { "\"$_\":true" } @$purposes)
        . '},"id":50053366,"cons":{"rand":"157518"}}');
}
granted('iubenda', iubenda($now, [1, 3, 4, 5]), 'purpose 5');
refused('iubenda', iubenda($now, [1, 3, 4]), 'without purpose 5');
no_choice('iubenda', iubenda($year_ago, [1, 3, 4, 5]), 'older than ConsentMaxAge');
no_choice('iubenda', '_iub_cs-50053366=' . uri_escape(
              '{"timestamp":"' . iso($now) . '","purposes":{"5":1}}'),
          'a purpose that is not a boolean');

# Didomi: didomi_token, base64 of JSON, dated by "updated"; purpose ids
# are the site's own (Didomi's help centre example, with our ids)
sub didomi {
    my ($when, $list) = @_;
    my $json = '{"user_id":"1784114c-f8b3-6590-a6df-b9fb240bdea5",'
        . '"created":"' . iso($when) . '","updated":"' . iso($when) . '",'
        . '"vendors":{"enabled":["google","c:mautic"]},'
        . "\"purposes\":{\"$list\":[\"marketing-Xy7q\"]},\"version\":2}";
    return 'didomi_token=' . encode_base64($json, '');
}
granted('didomi', didomi($now, 'enabled'), 'the mapped purpose enabled');
refused('didomi', didomi($now, 'disabled'), 'the mapped purpose disabled');
no_choice('didomi', didomi($year_ago, 'enabled'), 'older than ConsentMaxAge');
no_choice('didomi', 'didomi_token=' . encode_base64('{"purposes":', ''), 'truncated JSON');
# the map is the only line: a purpose not mapped grants nothing
refused('didomi', 'didomi_token=' . encode_base64(
            '{"updated":"' . iso($now) . '","purposes":{"enabled":["p4em9a8m"]}}', ''),
        'only a purpose not mapped');

# Matomo: millisecond timestamps; mtm_consent_removed wins (js/piwik.js)
my $ms = $now * 1000;
granted('matomo', "mtm_consent=$ms", 'mtm_consent');
refused('matomo', "mtm_consent=$ms; mtm_consent_removed=" . ($ms + 1000),
        'mtm_consent_removed');
no_choice('matomo', 'mtm_consent=' . ($year_ago * 1000), 'older than ConsentMaxAge');
no_choice('matomo', 'mtm_consent=17800000000x', 'not a number');

# GPP: the header DBABM (sections [2], the GPP core specification's
# example) before a TC string built here with the chosen purposes and
# dates, laid out as TCF v2.2/2.3's core segment; the DisclosedVendors
# segment is one the IAB's library encoded (t/unit/vectors).
sub tc_string {
    my ($when, @purposes) = @_;
    my $ds = int($when * 10);
    my $bits = '';
    my $put = sub { $bits .= substr(unpack('B64', pack('Q>', $_[0])), 64 - $_[1]) };
    my $p = 0;
    $p |= 1 << (24 - $_) for @purposes;
    $put->(2, 6);                       # Version
    $put->($ds, 36); $put->($ds, 36);   # Created, LastUpdated
    $put->(7, 12); $put->(3, 12);       # CmpId, CmpVersion
    $put->(1, 6);                       # ConsentScreen
    $put->(4, 6); $put->(13, 6);        # ConsentLanguage EN
    $put->(100, 12);                    # VendorListVersion
    $put->(5, 6);                       # TcfPolicyVersion
    $put->(0, 2);                       # IsServiceSpecific, NonStandardTexts
    $put->(0, 12);                      # SpecialFeatureOptIns
    $put->($p, 24);                     # PurposesConsent
    $put->(0, 24);                      # PurposesLITransparency
    $put->(0, 1);                       # PurposeOneTreatment
    $put->(3, 6); $put->(4, 6);         # PublisherCC DE
    $put->(0, 16); $put->(0, 1);        # vendor consents: none
    $put->(0, 16); $put->(0, 1);        # vendor LI: none
    $put->(0, 12);                      # NumPubRestrictions
    $bits .= '0' x ((6 - length($bits) % 6) % 6);
    my @b64 = ('A' .. 'Z', 'a' .. 'z', '0' .. '9', '-', '_');
    my $core = join('', map { $b64[oct("0b$_")] } $bits =~ /(.{6})/g);
    return "$core.IKlwBIAAgApAGQAeAF5gVLAA";
}
sub gpp { return '__gpp=DBABM~' . tc_string(@_) . '; __gpp_sid=2' }
granted('gpp', gpp($now, 1, 3, 5), 'purposes 1, 3 and 5');
refused('gpp', gpp($now, 1, 3), 'purpose 5 refused');
no_choice('gpp', gpp($year_ago, 1, 3, 5), 'older than ConsentMaxAge');
no_choice('gpp', '__gpp=DBABM~' . substr(tc_string($now, 1, 3, 5), 0, 20),
          'a truncated TC string');
no_choice('gpp', '__gpp=DBABM', 'a header without its section');
# US National (section 7): an opt-out of sale refuses, even beside our own
# grant (the IAB's library encoded it: t/unit/vectors)
is(tracked('gpp', "__gpp=DBABLA~CEAaAAAAAABA.QA; $OWN"), 0,
   'gpp US National sale opt-out: none, even beside our own grant');
is(source_of('gpp', "__gpp=DBABLA~CEAaAAAAAABA.QA; $OWN"), 'gpp',
   '... the GPP string decided');

done_testing();
