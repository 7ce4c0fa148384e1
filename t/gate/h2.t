# HTTP/2 (h2c): mod_http2 joins cookie crumbs with "; " and runs the same
# filters; the gate must decide and scrub the same way.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::TestRequest ();

Apache::TestRequest::module('gate');
my $base = 'http://' . Apache::TestRequest::hostport();

# returns (http version, headers text, body)
sub h2_get {
    my ($path, @headers) = @_;
    my @cmd = ('curl', '-s', '--http2-prior-knowledge', '-D', '-',
               '-w', '\n%{http_version}', map({ ('-H', $_) } @headers),
               "$base$path");
    open my $fh, '-|', @cmd or die "curl: $!";
    my $out = do { local $/; <$fh> };
    close $fh;
    die "curl failed ($?)" if $?;
    my ($head, $rest) = split /\r?\n\r?\n/, $out, 2;
    my ($body, $version) = $rest =~ /^(.*)\n([\d.]+)$/s;
    return ($version, $head, $body);
}

sub tracking_in {
    my ($head) = @_;
    return [ sort grep { /^(mautic_device_id|mtc_id|mautic_referer_id)$/ }
             map { /^set-cookie:\s*([^=]+)=/i ? $1 : () } split /\r?\n/, $head ];
}

my ($v, $head, $body) = h2_get('/cgi/mtracking.gif');
is($v, '2', 'spoken over HTTP/2');
is_deeply(tracking_in($head), [], 'h2: no tracking cookie without consent');
unlike($head, qr/^set-cookie:\s*$/mi, 'h2: no empty set-cookie');

# the consent in a later crumb, sent as separate cookie fields
($v, $head) = h2_get('/cgi/mtracking.gif', 'Cookie: shop=1',
                     'Cookie: mautic_consent=1');
is_deeply(tracking_in($head), [ qw(mautic_device_id mautic_referer_id mtc_id) ],
          'h2: a consent among several cookie fields counts');

($v, $head) = h2_get('/cgi/mtracking.gif', 'Cookie: mautic_consent=1',
                     'Sec-GPC: 1');
is_deeply(tracking_in($head), [], 'h2: GPC beats the consent');

($v, $head, $body) = h2_get('/cgi/echo', 'Cookie: mtc_id=5',
                            'Cookie: MMAUTHTOKEN=tok', 'Cookie: shop=1');
like($body, qr/^cookie: MMAUTHTOKEN=tok; shop=1$/m,
     'h2: crumbs scrubbed, the rest joined with "; "');
like($body, qr/^consent-state: none$/m, 'h2: the backend is told none');

($v, $head, $body) = h2_get('/proxy/echo', 'Cookie: mautic_consent=1',
                            'Cookie: mtc_id=5');
like($body, qr/^cookie: mautic_consent=1; mtc_id=5$/m,
     'h2 to a proxied backend: consented crumbs kept');

done_testing();
