#!/usr/bin/perl
# An app that sends its own Content-Security-Policy, for ConsentCSPWithout
# and ConsentGoogleConsentMode (t/gate/csp.t, t/gate/consentmode.t,
# t/browser/csp.t). PATH_INFO picks the page:
#   /page?third=http://127.0.0.1:PORT&t=TOKEN  an image and a fetch from a
#       second origin, the app's policy allowing both
#   /json, /error                               the same policy on JSON and
#       on a 404 page
#   /gcm?csp=none|nonce|strict|foreign          a page whose first script
#       records what window.dataLayer held when it ran (from seen.js where
#       the policy allows no inline script)
use strict;
use warnings;

use constant APP_CSP => "default-src 'self'; img-src *; connect-src *; "
    . "script-src 'self' 'unsafe-inline'";
use constant NONCE => 'R4nd0mN0nce';
# what a tag would see of the consent: dataLayer's entries as arrays
use constant SEEN => "window.seen = JSON.stringify(window.dataLayer === undefined ? null\n"
    . "    : window.dataLayer.map(function (a) { return Array.prototype.slice.call(a); }));\n";

my $path = $ENV{PATH_INFO} || '/';
my %q;
for (split /&/, $ENV{QUERY_STRING} || '') {
    my ($k, $v) = split /=/, $_, 2;
    $v = '' unless defined $v;
    $v =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    $q{$k} = $v;
}

sub out {
    my ($status, $type, $csp, $body) = @_;
    print "Status: $status\r\n" if $status;
    print "Content-Type: $type\r\n";
    print "Content-Security-Policy: $csp\r\n" if $csp;
    print "\r\n", $body;
}

if ($path eq '/page') {
    my $third = ($q{third} || '') =~ m{^(http://(?:127\.0\.0\.1|localhost):\d+)$} ? $1 : '';
    my $t = ($q{t} || '') =~ /^(\w+)$/ ? $1 : 'x';
    out('', 'text/html; charset=utf-8', APP_CSP, <<"HTML");
<!doctype html>
<html><head><meta charset="utf-8"><title>Third parties</title></head>
<body><p>A page with a third party.</p>
<img id="img" alt="" src="$third/img.gif?t=$t">
<script>
var img = new Promise(function (ok) {
    var i = document.getElementById('img');
    if (i.complete) { ok(i.naturalWidth ? 'loaded' : 'failed'); return; }
    i.onload = function () { ok('loaded'); };
    i.onerror = function () { ok('failed'); };
});
var data = fetch('$third/data.txt?t=$t', {mode: 'no-cors'})
    .then(function () { return 'loaded'; }, function () { return 'failed'; });
window.settled = Promise.all([img, data]);
</script>
</body></html>
HTML
}
elsif ($path eq '/json') {
    out('', 'application/json', APP_CSP, "{}\n");
}
elsif ($path eq '/error') {
    out('404 Not Found', 'text/html', APP_CSP,
        "<!doctype html><html><head><title>404</title></head>"
        . "<body>gone</body></html>\n");
}
elsif ($path eq '/gcm') {
    my $mode = $q{csp} || 'none';
    my $csp = $mode eq 'nonce' ? "script-src 'nonce-" . NONCE . "'"
            : $mode eq 'strict' ? "script-src 'self'"
            : $mode eq 'foreign' ? 'script-src https://cdn.example.org' : '';
    my $nonce = $mode eq 'nonce' ? ' nonce="' . NONCE . '"' : '';
    my $first = $mode eq 'strict' ? '<script src="seen.js"></script>'
              : "<script$nonce>\n" . SEEN . "</script>";
    out('', 'text/html', $csp, <<"HTML");
<!doctype html>
<html><head><meta charset="utf-8">$first<title>Tags</title></head>
<body><p>A page with a tag.</p></body></html>
HTML
}
elsif ($path eq '/seen.js') {
    out('', 'text/javascript', '', SEEN);
}
else {
    out('404 Not Found', 'text/plain', '', "no such page\n");
}
