# ConsentBannerInject: the banner's <script> goes before </head>, else
# before </body>, else at the end of text/html documents, while they
# stream; never into a comment, a fragment or what a browser does not
# navigate to; HEAD answers as GET does, the ETag stays as a variant.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use Apache::Test ();
use CG;

my $TAG = '<script src="/consentgate/banner.js" defer></script>';
my $docroot = Apache::Test::vars('documentroot') . '/banner';

sub file {
    my ($name) = @_;
    open my $fh, '<:raw', "$docroot/$name" or die "$name: $!";
    local $/;
    return scalar <$fh>;
}

# The page as it should come out: the tag before the first match.
sub expect {
    my ($page, $re) = @_;
    $page =~ s/\x02//g;
    return $page =~ s/($re)/$TAG$1/r if defined $re;
    return $page . $TAG;
}

my $HEAD = qr{</head(?=[\s>/])}i;
my $BODY = qr{</body(?=[\s>/])}i;

my @cases = (
    [ 'head.html',      $HEAD, 'before </head>' ],
    [ 'upper.html',     $HEAD, 'before </HEAD >, whatever the case' ],
    [ 'nohead.html',    $BODY, 'no </head>: before </body>' ],
    [ 'lookalike.html', qr{</body  >}, '</header>, </bodyguard>, </headline> are not end tags' ],
    [ 'noend.html',     undef, 'a document with neither end tag: at the end' ],
    [ 'comment.html',   qr{</head>(?=\n<body>)}, '</head> inside a comment is skipped' ],
);
for my $c (@cases) {
    my ($name, $re, $what) = @$c;
    my $res = get_from('banner', "/$name");
    is($res->code, 200, "$name: 200");
    is($res->content, expect(file($name), $re), "$name: $what");
    my $cl = $res->header('Content-Length');
    ok(!defined $cl || $cl == length $res->content, "$name: no stale Content-Length");
    like($res->header('ETag') // '', qr/^"[^"]+-cg"$/, "$name: the ETag as a variant");
}

# the media type as ap_field_noparam() reads it: parameters and the space
# before them do not matter, a longer type is another type
is(get_from('banner', '/type-params/head.html')->content,
   expect(file('head.html'), $HEAD), 'text/html ; charset=utf-8: tagged');
is(get_from('banner', '/type-other/head.html')->content, file('head.html'),
   'text/htmlx: no tag');

# a fragment (no <html, <!doctype html or <head) gets no tag
is(get_from('banner', '/neither.html')->content, file('neither.html'),
   'a fragment: no tag at its end');

# only what a browser navigates to
is(get_from('banner', '/head.html', 'Sec-Fetch-Dest' => 'empty')->content,
   file('head.html'), 'Sec-Fetch-Dest: empty (XHR, fetch) gets no tag');
is(get_from('banner', '/head.html', 'Sec-Fetch-Dest' => 'script')->content,
   file('head.html'), 'Sec-Fetch-Dest: script gets no tag');
for my $dest (qw(document iframe)) {
    my $res = get_from('banner', '/head.html', 'Sec-Fetch-Dest' => $dest);
    is($res->content, expect(file('head.html'), $HEAD), "Sec-Fetch-Dest: $dest gets the tag");
    like($res->header('Vary') // '', qr/\bSec-Fetch-Dest\b/i, "Sec-Fetch-Dest: $dest: Vary says so");
}

# tags split across buckets (mod_bucketeer splits at every ^B): the split
# page has "</head>" in six buckets and a "</he" + "ader>" lookalike
my $res = get_from('banner', '/split/split.html');
is($res->content, expect(file('split.html'), $HEAD), 'split across buckets: found, once');
is(scalar(() = $res->content =~ /banner\.js/g), 1, 'split: inserted exactly once');
for my $name (qw(head.html nohead.html noend.html comment.html)) {
    # the same pages with a bucket boundary after every byte
    my $page = file($name);
    my $split = join("\x02", split //, $page);
    open my $fh, '>:raw', "$docroot/bytes-$name" or die $!;
    print $fh $split;
    close $fh;
    my $re = $name eq 'head.html' ? $HEAD : $name eq 'nohead.html' ? $BODY
           : $name eq 'comment.html' ? qr{</head>(?=\n<body>)} : undef;
    is(get_from('banner', "/split/bytes-$name")->content, expect($page, $re),
       "$name in one-byte buckets");
}

# the page already loads the banner: nothing is added, nothing removed
my $present = get_from('banner', '/present.html');
is($present->content, file('present.html'), 'a page that loads the banner is left alone');
is(scalar(() = $present->content =~ /banner\.js/g), 1, 'no second script tag');

# mod_deflate runs after the filter: the compressed page has the tag
$res = get_from('banner', '/gz/head.html', 'Accept-Encoding' => 'gzip');
is($res->header('Content-Encoding'), 'gzip', 'gzip: compressed by mod_deflate');
my $raw = $res->content;
gunzip(\$raw => \my $plain) or die $GunzipError;
is($plain, expect(file('head.html'), $HEAD), 'gzip: the tag is in the compressed page');

# a backend that compresses its own page: left alone, still gzip
$res = get_from('banner', '/cgi/gzipped', 'Accept-Encoding' => 'gzip');
is($res->header('Content-Encoding'), 'gzip', 'backend gzip: still gzip');
$raw = $res->content;
gunzip(\$raw => \$plain) or die $GunzipError;
unlike($plain, qr/banner\.js/, 'backend gzip: not touched');

# proxied and CGI pages, with the gate still at work
for my $path ('/proxy/landing', '/cgi/landing') {
    $res = get_from('banner', $path);
    like($res->content, qr{\Q$TAG\E</head>}, "$path: injected before </head>");
    is_deeply([ tracking_names($res) ], [], "$path: and no tracking cookie");
}

# HEAD answers with the header fields GET answers with (RFC 9110 9.3.2)
sub fields {
    my ($res) = @_;
    my %h;
    for my $name ($res->headers->header_field_names) {
        # not the server's: the date, and what LWP adds from the <head>
        next if $name =~ /^(?:Date|Client-.*|Connection|Keep-Alive|Title|X-Meta-.*)$/i;
        $h{lc $name} = join "\n", $res->headers->header($name);
    }
    return \%h;
}
# (a proxied HEAD comes back without a body: it keeps its own length)
for my $path ('/head.html', '/noend.html', '/split/split.html', '/cgi/landing') {
    my $get = get_from('banner', $path);
    my $head = head_from('banner', $path);
    my ($h, $g) = (fields($head), fields($get));
    # php-cgi sends no body on HEAD, and whether a CGI GET gets a length
    # depends on whether its whole output came in one read: a HEAD may
    # leave the length out (RFC 9110 8.6), never announce another
    delete $g->{'content-length'} if $path =~ m{^/cgi/} && !exists $h->{'content-length'};
    is($head->code, $get->code, "HEAD $path: GET's status");
    is_deeply($h, $g, "HEAD $path: GET's header fields")
        or diag explain { HEAD => $h, GET => $g };
    is($head->content, '', "HEAD $path: no body");
}

# the variant ETag validates: If-None-Match with it answers 304, with it
my $etag = get_from('banner', '/head.html')->header('ETag');
$res = get_from('banner', '/head.html', 'If-None-Match' => $etag);
is($res->code, 304, 'If-None-Match with the variant ETag: 304');
is($res->header('ETag'), $etag, '304: the variant ETag');
$res = get_from('banner', '/head.html', 'If-None-Match' => qq{"nope", $etag});
is($res->code, 304, 'the variant ETag among others: 304');
$res = get_from('banner', '/head.html', 'If-None-Match' => qq{"nope-cg"});
is($res->code, 200, 'another variant tag: 200');
is($res->content, expect(file('head.html'), $HEAD), 'another variant tag: the page, with the tag');

# what is not an HTML page body is not touched
$etag = get_from('banner', '/noinject/head.html')->header('ETag');
is(get_from('banner', '/noinject/head.html', 'If-None-Match' => $etag)->code, 304,
   '304 where nothing is injected');
is(get_from('banner', '/cgi/status/204')->content, '', '204: no body added');
is(get_from('banner', '/noinject/head.html')->content, file('head.html'), 'ConsentBannerInject Off');
unlike(get_from('banner', '/cgi/notransform')->content, qr/banner\.js/,
   'Cache-Control: no-transform from the backend is respected');
is(get_from('gate', '/cgi/landing')->content =~ /banner\.js/ ? 1 : 0, 0,
   'not injected where ConsentBannerInject is not set');
$res = get_from('banner', '/cgi/mtc.js');
unlike($res->content, qr/banner\.js/, 'JavaScript is not HTML');

# Mattermost's login page behind the module, unchanged app
$res = get_from('mattermost', '/login');
like($res->content, qr{<title>Mattermost</title>\Q$TAG\E</head>}, 'Mattermost login page: the banner');
ok(has_cookie($res, 'MMAUTHTOKEN') && has_cookie($res, 'MMCSRF'), 'its session cookies pass');
is(get_from('mattermost', '/consentgate/banner.js')->code, 200,
   'the endpoint is served before "ProxyPass /" takes it');

# a large page: the tag at the very end of 2 MB, streamed
my $big = '<html><body>' . ('<p>' . ('x' x 1000) . "</p>\n") x 2000 . '</body></html>';
open my $fh, '>:raw', "$docroot/big.html" or die $!;
print $fh $big;
close $fh;
$res = get_from('banner', '/big.html');
is(length $res->content, length($big) + length($TAG), 'a 2 MB page: every byte, plus the tag');
like(substr($res->content, -40 - length $TAG), qr{\Q$TAG\E</body></html>$}, 'a 2 MB page: before </body>');

done_testing();
