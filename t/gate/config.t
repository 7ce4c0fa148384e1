# A broken configuration fails the configuration test (httpd -t, as
# apachectl -t runs it) with a message naming the directive, file and line.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use CG;

my $modules = $ENV{CG_HTTPD_MODULES} or die 'CG_HTTPD_MODULES not set';
my $dir     = config_dir();

my ($rc, $out) = config_test(<<'OK');
ConsentGate On
ConsentPreset mautic mattermost matomo
ConsentCookieClass analytics ^_ga(_.*)?$ _gid
ConsentCookieClass necessary PHPSESSID
ConsentUnknownCookies strip
ConsentCookieName site_consent
ConsentCookieDomain example.org
ConsentMaxAge 86400
ConsentStatus On
ConsentStatusExclude /account/ */hook/
ConsentStatusPages /landing/
ConsentPixelLimit 30
ConsentUniqueCacheTimeout 200
ConsentStatusStore logs/status.json
ConsentPolicyRevision 4
ConsentSignals gpc dnt
ConsentSignalPrecedence consent
ConsentScrubRequest Off
ConsentForwardGPC On
ConsentRevokePath ^/email/(unsubscribe|dnc)/ ^/bye
ConsentEndpoint /privacy
ConsentReceipts file:receipts.jsonl
ConsentClearSiteData storage
ConsentGPCLastUpdate 2026-11-01
ConsentReceiptRetention 400d
ConsentReceiptRate 30
ConsentReceiptMaxSize 2G
ConsentAllowSameSite Off
ConsentNoticeArchive notices
ConsentBannerInject On
ConsentMaskAddress both ipv4=/24 ipv6=/64 unless=analytics
<Location /x>
    ConsentGate Off
    ConsentSignals none
    ConsentMaskAddress logs
</Location>
OK
is($rc, 0, 'every directive accepted') or diag($out);
like($out, qr/Syntax OK/, 'Syntax OK');

my @bad = (
    [ 'ConsentCookieClass tracking "foo("',
      qr/ConsentCookieClass: invalid pattern 'foo\(' at offset 4/ ],
    [ 'ConsentCookieClass "Bad Class" x', qr/ConsentCookieClass: invalid class 'Bad Class'/ ],
    [ 'ConsentCookieClass unknown x', qr/ConsentCookieClass: invalid class 'unknown'/ ],
    [ 'ConsentPreset mautic wordpress', qr/ConsentPreset: unknown preset 'wordpress' \(known: mautic, mattermost, matomo\)/ ],
    [ 'ConsentGate Maybe', qr/ConsentGate must be On or Off/ ],
    [ 'ConsentScrubRequest yes please', qr/ConsentScrubRequest/ ],
    [ 'ConsentSignals gpc smoke', qr/ConsentSignals: 'smoke' is not one of: gpc, dnt, none/ ],
    [ 'ConsentSignals gpc none', qr/ConsentSignals: 'none' stands alone/ ],
    [ 'ConsentSignals none none', qr/ConsentSignals: 'none' stands alone/ ],
    [ 'ConsentSignals', qr/ConsentSignals: name gpc, dnt or none/ ],
    [ 'ConsentSecret /nonexistent/consent.key', qr/ConsentSecret: cannot read '\/nonexistent\/consent.key'/ ],
    [ 'ConsentPlainValues maybe', qr/ConsentPlainValues: 'maybe' is not one of: accept, refuse/ ],
    [ 'ConsentUpstreamState trust', qr/ConsentUpstreamState: 'trust' is not one of: remove, keep/ ],
    [ 'ConsentRevokeMethod get', qr/ConsentRevokeMethod: 'get' is not one of: any, post/ ],
    [ 'ConsentForwardGPCSkip "^/(r"', qr/ConsentForwardGPCSkip: invalid pattern/ ],
    [ 'ConsentSource cookiebot mystery', qr/ConsentSource: unknown source 'mystery' \(known: own, cookiebot, onetrust/ ],
    [ 'ConsentSource own own', qr/ConsentSource: 'own' is named twice/ ],
    [ 'ConsentSourceMap cookiebot marketing', qr/ConsentSourceMap: SOURCE THEIR-CATEGORY OUR-CATEGORY/ ],
    [ 'ConsentSourceMap cookiebot marketing Tracking', qr/ConsentSourceMap: invalid category 'Tracking'/ ],
    [ 'ConsentSourceMap nobody marketing tracking', qr/ConsentSourceMap: unknown source 'nobody'/ ],
    [ 'ConsentScrubParam "a=b"', qr/ConsentScrubParam: 'a=b' is not a parameter name/ ],
    [ 'ConsentScrubBodyLimit lots', qr/ConsentScrubBodyLimit: 'lots' is not a number/ ],
    [ 'ConsentSignalPrecedence loudest', qr/ConsentSignalPrecedence: 'loudest' is not one of: signal, consent/ ],
    [ 'ConsentUnknownCookies drop', qr/ConsentUnknownCookies: 'drop' is not one of: allow, strip/ ],
    [ 'ConsentCookieName "a b"', qr/ConsentCookieName: 'a b' is not a valid cookie name/ ],
    [ 'ConsentCookieDomain "ex ample.org"', qr/ConsentCookieDomain: 'ex ample.org' is not a domain name/ ],
    [ 'ConsentMaxAge -5', qr/ConsentMaxAge: '-5' is not a number from 1/ ],
    [ 'ConsentMaxAge 10days', qr/ConsentMaxAge: '10days' is not a number/ ],
    [ 'ConsentPolicyRevision x', qr/ConsentPolicyRevision: 'x' is not a number/ ],
    [ 'ConsentRevokePath "^/(unsubscribe"', qr/ConsentRevokePath: invalid pattern/ ],
    [ 'ConsentRevokePath ^/a none', qr/ConsentRevokePath: 'none' stands alone/ ],
    [ 'ConsentEndpoint privacy', qr/ConsentEndpoint: 'privacy' must be a URL path/ ],
    [ 'ConsentEndpoint /privacy/', qr/ConsentEndpoint: '\/privacy\/' must be a URL path/ ],
    [ 'ConsentReceipts /var/log/x', qr/ConsentReceipts: '\/var\/log\/x' is neither file:PATH nor dbd/ ],
    [ 'ConsentReceipts sql', qr/ConsentReceipts: 'sql' is neither file:PATH nor dbd/ ],
    [ 'ConsentReceipts dbd', qr/ConsentReceipts dbd: load mod_dbd first/ ],
    [ 'ConsentClearSiteData cache', qr/ConsentClearSiteData: 'cache' is not one of: off, storage, cookies/ ],
    [ 'ConsentGPCLastUpdate 2026-13-01', qr/ConsentGPCLastUpdate: '2026-13-01' is not a date YYYY-MM-DD/ ],
    [ 'ConsentGPCLastUpdate yesterday', qr/ConsentGPCLastUpdate: 'yesterday' is not a date/ ],
    [ 'ConsentStatus maybe', qr/ConsentStatus must be On or Off/ ],
    [ 'ConsentStatusExclude email/', qr/ConsentStatusExclude: 'email\/' is no path prefix/ ],
    [ 'ConsentStatusPages */x/', qr/ConsentStatusPages: '\*\/x\/' is no path prefix/ ],
    [ 'ConsentPixelLimit many', qr/ConsentPixelLimit: 'many' is not a number/ ],
    [ 'ConsentPixelLimit -1', qr/ConsentPixelLimit: '-1' is not a number/ ],
    [ 'ConsentUniqueCacheTimeout 0', qr/ConsentUniqueCacheTimeout: a timeout of 0 ms/ ],
    [ "<VirtualHost *:80>\nConsentUniqueCacheTimeout 100\n</VirtualHost>",
      qr/ConsentUniqueCacheTimeout cannot occur within <VirtualHost> section/, 11 ],
    [ "<VirtualHost *:80>\nConsentStatusStore logs/status.json\n</VirtualHost>",
      qr/ConsentStatusStore cannot occur within <VirtualHost> section/, 11 ],
    [ 'ConsentReceiptRetention 400', qr/ConsentReceiptRetention: '400' is not an age such as 400d/ ],
    [ 'ConsentReceiptRetention -3d', qr/ConsentReceiptRetention: '-3d' is not an age/ ],
    [ 'ConsentReceiptRate many', qr/ConsentReceiptRate: 'many' is not a number of receipts per minute/ ],
    [ 'ConsentReceiptMaxSize 10T', qr/ConsentReceiptMaxSize: '10T' is not a size/ ],
    [ 'ConsentAllowSameSite yes', qr/ConsentAllowSameSite must be On or Off/ ],
    [ "<Location /x>\nConsentCookieName other\n</Location>",
      qr/ConsentCookieName not allowed in <Location> context/, 11 ],
);
# banner configs: the JSON's own line and column, or the member at fault
sub banner_file {
    my ($name, $text) = @_;
    open my $fh, '>', "$dir/$name" or die $!;
    print $fh $text;
    close $fh;
    return "$dir/$name";
}
my $syntax = banner_file('syntax.json', qq({\n  "mode": "consent",\n  "texts": {"en": }\n}\n));
my $grey = banner_file('grey.json', '{"categories": ["tracking"], "colors": {"text": "#999999"},'
    . ' "texts": {"en": {"title": "t", "body": "b", "accept": "a", "reject": "r",'
    . ' "categories": {"tracking": {"label": "l"}}}}}');
my $typo = banner_file('typo.json', '{"privacyPolicyURL": "/p", "texts": {}}');
my $js = banner_file('js.json', '{"privacyPolicyUrl": "javascript:alert(1)"}');
my $nolabel = banner_file('nolabel.json', '{"categories": ["tracking"],'
    . ' "texts": {"de": {"title": "t", "body": "b", "accept": "a", "reject": "r"}}}');
# one rule for a category id: a banner cannot ask about a category that
# ConsentCookieClass cannot name (and a consent cannot grant)
my $upper = banner_file('upper.json', '{"categories": ["Tracking"]}');
push @bad,
    [ "ConsentBanner $upper", qr/ConsentBanner: \Q$upper\E: categories: entry 0 is not a category id/ ],
    [ 'ConsentCookieClass Tracking mtc_id', qr/ConsentCookieClass: invalid class 'Tracking'/ ],
    [ "ConsentBanner $syntax", qr/ConsentBanner: \Q$syntax\E:3:19: / ],
    [ "ConsentBanner $grey", qr/ConsentBanner: \Q$grey\E: colors.text: contrast with colors.background is 2.85:1, WCAG AA needs 4.5:1/ ],
    [ "ConsentBanner $typo", qr/ConsentBanner: \Q$typo\E: \(top\): unknown member "privacyPolicyURL"/ ],
    [ "ConsentBanner $js", qr/ConsentBanner: \Q$js\E: privacyPolicyUrl: must be an http\(s\) URL or a path/ ],
    [ "ConsentBanner $nolabel", qr/ConsentBanner: \Q$nolabel\E: texts.de.categories.tracking: is missing/ ],
    [ "ConsentBanner $dir/missing.json", qr/ConsentBanner: \Q$dir\E\/missing.json: No such file/ ],
    [ 'ConsentBannerInject Sometimes', qr/ConsentBannerInject must be On or Off/ ];
# ConsentMaskAddress: the place, the prefixes kept, the condition
push @bad,
    [ 'ConsentMaskAddress', qr/ConsentMaskAddress: name off, logs, backend or both/ ],
    [ 'ConsentMaskAddress on', qr/ConsentMaskAddress: 'on' is not one of: off, logs, backend, both/ ],
    [ 'ConsentMaskAddress off ipv4=/24', qr/ConsentMaskAddress: 'off' takes no options, not 'ipv4=\/24'/ ],
    [ 'ConsentMaskAddress both ipv4=/33', qr/ConsentMaskAddress: 'ipv4=\/33': the IPv4 prefix kept is \/0 to \/32/ ],
    [ 'ConsentMaskAddress logs ipv6=/200', qr/ConsentMaskAddress: 'ipv6=\/200': the IPv6 prefix kept is \/0 to \/128/ ],
    [ 'ConsentMaskAddress both unless=Analytics', qr/ConsentMaskAddress: 'unless=Analytics': not a category name/ ],
    [ 'ConsentMaskAddress both ipv4=/16 ipv4=/24', qr/ConsentMaskAddress: 'ipv4=\/24': given twice/ ],
    [ 'ConsentMaskAddress both bits=16', qr/ConsentMaskAddress: 'bits=16' is not one of: ipv4=\/N, ipv6=\/N, unless=CATEGORY/ ];

for my $case (@bad) {
    my ($line, $expect, $lineno) = @$case;
    my ($rc, $out, $file) = config_test("# a comment\n$line");
    isnt($rc, 0, "rejected: $line");
    like($out, $expect, "named: $line");
    $lineno ||= 10;
    like($out, qr/line $lineno of \Q$file\E/, "file and line given: $line");
}

# the shipped examples parse (certificates left out: the test has none)
my $top = Apache::Test::vars('top_dir');
for my $example ('banner.json', 'banner-notice.json') {
    my ($brc, $bout) = config_test("ConsentBanner $top/conf.d/$example");
    is($brc, 0, "conf.d/$example, an example banner, is accepted") or diag($bout);
}
for my $example ('consentgate.conf', 'mautic.conf', 'mattermost.conf',
                  'google-consent.conf') {
    open my $fh, '<', "$top/conf.d/$example" or die "$example: $!";
    my $text = join '', grep { !/^\s*SSL/ } <$fh>;
    my $mods = join "\n", map { "LoadModule ${_}_module $modules/mod_$_.so" }
        qw(proxy proxy_http proxy_fcgi proxy_wstunnel mime);
    my ($rc, $out) = config_test("$mods\n$text");
    is($rc, 0, "conf.d/$example parses") or diag($out);
}

done_testing();
