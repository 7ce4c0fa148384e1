# Identifiers that stand in for tracking cookies (Mautic's mtc.js sends
# mautic_device_id, mtc_id and mtc_sid on every call once localStorage
# holds an id; Mautic reads mautic_device_id from the request when the
# cookie is missing) are removed from the query string and from urlencoded
# and JSON bodies before the backend sees them, unless the visitor
# consented; every other parameter arrives unchanged, and Content-Length
# stays true. Through CGI, mod_proxy_http and php-fpm (behind Mautic's
# .htaccess rewrite).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Digest::MD5 qw(md5_hex);
use CG;

my $consent = 'mautic_consent=cg1.tracking.' . (time - 60) . '.0.0123456789abcdef0123456789abcdef';
my @routes = ([ gate => '/cgi/echo' ], [ gate => '/proxy/echo' ],
              [ mautic_fpm => '/echo' ], [ mautic_fpm_pt => '/app/echo' ]);

sub field {
    my ($res, $name) = @_;
    return $res->content =~ /^\Q$name\E: (.*)$/m ? $1 : undef;
}

for my $r (@routes) {
    my ($vhost, $path) = @$r;
    my $q = 'page_url=https%3A%2F%2Fexample.org%2F&mautic_device_id=abc123&ct=Y3Q&mtc_id=42&mtc_sid=s1&x=1';

    my $res = get_from($vhost, "$path?$q");
    is(field($res, 'query'), 'page_url=https%3A%2F%2Fexample.org%2F&ct=Y3Q&x=1',
       "$vhost$path: without consent the ids leave the query, the rest stays byte for byte");
    is(field($res, 'get'), 'page_url,ct,x', "$vhost$path: what PHP reads");

    $res = get_from($vhost, "$path?$q", Cookie => $consent);
    is(field($res, 'query'), $q, "$vhost$path: with consent the query is untouched");

    $res = get_from($vhost, "$path?$q", Cookie => $consent, 'Sec-GPC' => '1');
    is(field($res, 'get'), 'page_url,ct,x', "$vhost$path: GPC beats the consent");

    # the spellings PHP reads as the same name
    $res = get_from($vhost, "$path?mautic%5Fdevice%5Fid=a&mautic.device.id=b"
                    . "&mautic+device_id=c&mautic_device_id[]=d&mtc_id%5B0%5D=e&keep=1");
    is(field($res, 'get'), 'keep', "$vhost$path: encoded, dotted, spaced and array names too");

    # an urlencoded body (mtc.js's /mtc/event and /video/hit)
    my $body = 'page_url=x&mautic_device_id=abc123&mtc_id=42&counter=1';
    $res = post_from($vhost, $path, Content => $body,
                     'Content-Type' => 'application/x-www-form-urlencoded');
    is(field($res, 'post'), 'page_url,counter', "$vhost$path: form body scrubbed");
    is(field($res, 'body'), 'page_url=x&counter=1', "$vhost$path: the rest byte for byte");
    is(field($res, 'content-length'), length('page_url=x&counter=1'),
       "$vhost$path: Content-Length is the new body's");
    is(field($res, 'body-length'), length('page_url=x&counter=1'),
       "$vhost$path: and the backend reads all of it");

    $res = post_from($vhost, $path, Content => $body, Cookie => $consent,
                     'Content-Type' => 'application/x-www-form-urlencoded');
    is(field($res, 'body'), $body, "$vhost$path: with consent the body is untouched");

    # a JSON body: top-level members
    $res = post_from($vhost, $path,
                     Content => '{"mautic_device_id":"abc","mtc_id":1,"page":{"mtc_id":2},"n":[1,2]}',
                     'Content-Type' => 'application/json');
    is(field($res, 'body'), '{"page":{"mtc_id":2},"n":[1,2]}',
       "$vhost$path: JSON: the top-level ids are removed");
    is(field($res, 'content-length'), length('{"page":{"mtc_id":2},"n":[1,2]}'),
       "$vhost$path: JSON: Content-Length follows");
}

# what the backend saw depended on the consent: a shared cache must key
# the answer on it
for my $r (@routes) {
    my ($vhost, $path) = @$r;
    my $res = get_from($vhost, "$path?mautic_device_id=abc&x=1");
    like($res->header('Vary') // '', qr/\bCookie\b/,
         "$vhost$path: Vary: Cookie when the query names an identifier");
    $res = get_from($vhost, "$path?mautic_device_id=abc", Cookie => $consent);
    like($res->header('Vary') // '', qr/\bCookie\b/,
         "$vhost$path: ... also when it passed");
}

# a body over ConsentScrubBodyLimit passes unchanged (and is logged): it is
# never read into memory
{
    my $big = 'x=' . ('a' x (2 * 1024 * 1024)) . '&mautic_device_id=abc';
    my $res = post_from('gate', '/cgi/echo', Content => $big,
                        'Content-Type' => 'application/x-www-form-urlencoded');
    is(field($res, 'body-length'), length($big), 'a large body arrives whole');
    is(field($res, 'body-md5'), md5_hex($big), 'and unchanged');
}

# a handler that never reads the body (Mautic's form submit answers with a
# redirect) still finds its end where it looks for it: no 400
for my $r ([ mautic_fpm_pt => '/app/form/submit' ], [ mautic_fpm => '/form/submit' ],
           [ gate => '/cgi/form/submit' ]) {
    my ($vhost, $path) = @$r;
    my $res = post_from($vhost, $path, Content => 'mauticform%5Bemail%5D=a%40b.org&mtc_id=4',
                        'Content-Type' => 'application/x-www-form-urlencoded');
    is($res->code, 302, "$vhost$path: a scrubbed body the backend does not read: 302");
}

# an encoded body is not text to read: it passes as it is
{
    my $gz = "\x1f\x8b\x08\x00mautic_device_id=abc\x00\x01";
    my $res = post_from('gate', '/cgi/echo', Content => $gz,
                        'Content-Type' => 'application/x-www-form-urlencoded',
                        'Content-Encoding' => 'gzip');
    is(field($res, 'body-md5'), md5_hex($gz), 'a gzip-encoded body passes unread');
}

# other bodies are not read at all
{
    my $res = post_from('gate', '/cgi/echo', Content => 'mautic_device_id=abc',
                        'Content-Type' => 'text/plain');
    is(field($res, 'body'), 'mautic_device_id=abc', 'a text/plain body is left alone');
}

done_testing();
