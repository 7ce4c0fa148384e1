# banner.js: the built-in banner and a configured one, per language, with
# its caching headers, never a cookie, and texts that cannot break out.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use IO::Compress::Gzip qw(gzip $GzipError);
use File::Temp qw(tempfile);
use Apache::Test ();
use CG;

my $top = Apache::Test::vars('top_dir');
my $code = `'$top/scripts/embed-js' --js '$top/banner/banner.js'`;
ok(length $code, 'the minified banner.js');

# The body is banner.js, then "(" CONFIG ");\n": returns the config.
sub config_of {
    my ($res, $what) = @_;
    my $body = $res->content;
    ok(substr($body, 0, length $code) eq $code, "$what: starts with banner.js");
    my $tail = substr($body, length $code);
    like($tail, qr/\A\(\{.*\}\);\n\z/s, "$what: then the config as its argument");
    $tail =~ s/\A\(//;
    $tail =~ s/\);\n\z//;
    my $cfg = eval { JSON::PP->new->decode($tail) };
    ok($cfg, "$what: the config is JSON") or diag($@);
    return ($cfg || {}, $tail);
}

my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH};
ok($node, 'node is installed') or BAIL_OUT('node is needed to check the served JavaScript');

# node's own parser: the body is valid JavaScript, and the config read as a
# JavaScript expression (not as JSON) gives the same strings
sub node_reads {
    my ($body, $tail) = @_;
    my ($fh, $file) = tempfile(SUFFIX => '.js', UNLINK => 1);
    print $fh $body;
    close $fh;
    my $check = `'$node' --check '$file' 2>&1`;
    is($?, 0, 'node --check accepts the served script') or diag($check);
    my ($fh2, $file2) = tempfile(SUFFIX => '.js', UNLINK => 1);
    binmode $fh2;
    print $fh2 "process.stdout.write(JSON.stringify(require('vm').runInNewContext('(' + require('fs').readFileSync(process.argv[2], 'utf8') + ')')));";
    close $fh2;
    my ($fh3, $file3) = tempfile(UNLINK => 1);
    print $fh3 $tail;
    close $fh3;
    my $json = `'$node' '$file2' '$file3'`;
    return JSON::PP->new->utf8->decode($json);
}

# ---- the built-in banner (the gate vhost: no ConsentBanner) ----
my $res = get_from('gate', '/consentgate/banner.js');
is($res->code, 200, 'built-in: 200');
like($res->header('Content-Type'), qr{^text/javascript; charset=utf-8$}, 'a JavaScript content type');
like($res->header('Cache-Control') // '', qr/max-age=\d+/, 'Cache-Control with a max-age');
like($res->header('Vary') // '', qr/Accept-Language/, 'Vary: Accept-Language');
my $etag = $res->header('ETag');
like($etag // '', qr/^"cg-[0-9a-f]{20}"$/, 'a strong ETag');
is($res->header('Content-Language'), 'en', 'Content-Language: en');
is($res->header('Content-Length'), length($res->content), 'Content-Length');
is_deeply([ cookie_names($res) ], [], 'no cookie');
my ($cfg, $tail) = config_of($res, 'built-in');
is($cfg->{lang}, 'en', 'English');
is($cfg->{mode}, 'consent', 'a consent banner: mautic has a tracking category');
is_deeply([ map { $_->{id} } @{ $cfg->{categories} } ], ['tracking'], 'asks about tracking');
is($cfg->{endpoint}, '/consentgate', 'the endpoint');
is($cfg->{cookie}, 'mautic_consent', 'the consent cookie');
is($cfg->{revision}, 0, 'policy revision 0');
is($cfg->{maxAge}, 15552000, 'ConsentMaxAge default');
ok(length $cfg->{texts}{accept} && length $cfg->{texts}{reject}, 'accept and reject texts');
is($cfg->{mautic}, undef, 'no Mautic script configured');
is_deeply($cfg->{signals}, ['gpc', 'dnt'], 'the signals the gate honours');
is($cfg->{precedence}, 'signal', 'a signal beats a consent');
ok(!$cfg->{pixel}, 'no pixel without Mautic');

# gzip -9 of what is served stays within the budget
gzip(\$res->content => \my $gz, -Level => 9) or die $GzipError;
cmp_ok(length $gz, '<=', 8192, 'banner.js is at most 8 KB gzipped (' . length($gz) . ' bytes)');

# conditional GET and HEAD
my $again = get_from('gate', '/consentgate/banner.js', 'If-None-Match' => $etag);
is($again->code, 304, 'If-None-Match: 304');
is($again->content, '', '304 without a body');
my $head = head_from('gate', '/consentgate/banner.js');
is($head->code, 200, 'HEAD: 200');
is($head->content, '', 'HEAD: no body');
is(post_from('gate', '/consentgate/banner.js')->code, 405, 'POST: 405');

# mod_headers adds cookies to everything under /hdr/ but not here; the
# gate vhost's pixel Location does: the banner never carries one anyway
is_deeply([ cookie_names(get_from('gate', '/consentgate/banner.js', Cookie => 'mautic_consent=1')) ],
          [], 'no cookie with consent either');

# a server with another endpoint, cookie, revision and lifetime
($cfg) = config_of(get_from('strict', '/privacy/banner.js'), 'strict');
is($cfg->{endpoint}, '/privacy', 'ConsentEndpoint');
is($cfg->{cookie}, 'site_consent', 'ConsentCookieName');
is($cfg->{revision}, 2, 'ConsentPolicyRevision');
is($cfg->{maxAge}, 3600, 'ConsentMaxAge');

# only necessary classes: the built-in banner is a notice
($cfg) = config_of(get_from('notice', '/consentgate/banner.js'), 'notice');
is($cfg->{mode}, 'notice', 'no category to ask about: a notice');
is_deeply($cfg->{categories}, [], 'no categories');
like($cfg->{texts}{body}, qr/only the cookies it needs/, 'the notice text');

# ---- the configured banner: languages ----
my %want = (
    ''                          => 'en',
    'de'                        => 'de',
    'de-AT,de;q=0.9,en;q=0.8'   => 'de',
    'fr'                        => 'fr-CH',
    'fr-ch'                     => 'fr-CH',
    'it, fr;q=0.5'              => 'fr-CH',
    'en;q=0.2, de;q=0.9'        => 'de',
    'de;q=0, en'                => 'en',
    'ja'                        => 'en',
    '*'                         => 'en',
    'de;q=bogus, fr'            => 'fr-CH',
    ('x' x 2000)                => 'en',
);
for my $al (sort keys %want) {
    my @h = length $al ? ('Accept-Language' => $al) : ();
    my $r = get_from('banner', '/consentgate/banner.js', @h);
    my $shown = length($al) > 40 ? substr($al, 0, 20) . '...' : $al;
    is($r->header('Content-Language'), $want{$al}, "Accept-Language '$shown': $want{$al}");
}
my $de = get_from('banner', '/consentgate/banner.js', 'Accept-Language' => 'de');
($cfg) = config_of($de, 'de');
is($cfg->{texts}{accept}, 'Alle akzeptieren', 'German texts');
is($cfg->{texts}{close}, 'Close', 'an untranslated text falls back to English');
is($cfg->{necessary}{label}, 'Notwendig', 'German necessary label');
is($cfg->{categories}[0]{label}, 'Tracking', 'category label');
is($cfg->{policyUrl}, '/privacy.html', 'privacyPolicyUrl');
is_deeply($cfg->{colors}, { background => '#ffffff', text => '#222222',
                            primary => '#0b57d0', primaryText => '#ffffff' },
          'colours, #rgb expanded');
is_deeply($cfg->{mautic}, { src => '/cgi/mtc.js', category => 'tracking' }, 'mtc.js after consent');
ok($cfg->{pixel}, 'the pixel without consent, since Mautic is configured');
isnt($de->header('ETag'), get_from('banner', '/consentgate/banner.js')->header('ETag'),
     'each language has its own ETag');
is(get_from('banner', '/consentgate/banner.js', 'Accept-Language' => 'de',
            'If-None-Match' => $de->header('ETag'))->code, 304, 'a language revalidates');

# ---- texts that try to break out ----
$res = get_from('banner_hostile', '/consentgate/banner.js');
is($res->code, 200, 'hostile texts: served');
my $body = $res->content;
($cfg, $tail) = config_of($res, 'hostile');
unlike($tail, qr{</script}i, 'no </script in the config');
unlike($tail, qr{<!--}, 'no <!-- in the config');
unlike($body, qr/[^\x00-\x7f]/, 'ASCII only: no raw U+2028/U+2029 can end a line');
open my $fh, '<:raw', "$top/t/conf/banner-hostile.json" or die $!;
my $src = JSON::PP->new->utf8->decode(do { local $/; <$fh> });
my $js = node_reads($body, $tail);
for my $k (qw(title body accept reject)) {
    is($cfg->{texts}{$k}, $src->{texts}{en}{$k}, "hostile $k: the same string as JSON");
    is($js->{texts}{$k}, $src->{texts}{en}{$k}, "hostile $k: the same string as JavaScript");
}
is($js->{categories}[0]{label}, $src->{texts}{en}{categories}{tracking}{label},
   'non-ASCII survives as \\u escapes');

done_testing();
