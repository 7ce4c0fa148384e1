# One connection, many requests: a browser sends a page's requests over a
# kept-alive connection, and the gate reads the visit once for all of them
# that carry the same Cookie header, signals and second. Every change on
# the same connection is decided anew: a consent given or taken back (a
# value of the same length), a signal, another Cookie header; the backend
# is told and its Set-Cookie lines are gated by the request's own cookies.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use Apache::TestRequest ();
use Net::HTTP;
use CG;

Apache::TestRequest::module('gate');
my $hostport = Apache::TestRequest::hostport();
my $conn = Net::HTTP->new(Host => $hostport, KeepAlive => 1)
    or die "no connection to $hostport: $@";
my $port = $conn->sockport;

# one request on the kept connection: (code, {echoed fields}, [Set-Cookie names])
sub ask {
    my ($path, @headers) = @_;
    $conn->write_request(GET => $path, @headers);
    my ($code, undef, @h) = $conn->read_response_headers;
    my ($body, $buf) = ('');
    while ($conn->read_entity_body($buf, 4096)) {
        $body .= $buf;
    }
    my @set;
    for (my $i = 0; $i < @h; $i += 2) {
        push @set, $h[$i + 1] =~ /^\s*([^=;]*)/ if lc $h[$i] eq 'set-cookie';
    }
    my %seen = map { /^([\w-]+): ?(.*)$/ ? ($1 => $2) : () } split /\n/, $body;
    return ($code, \%seen, \@set);
}

my $jar = 'mautic_device_id=abc123; mtc_id=5; MMAUTHTOKEN=tok; shop=1';
my @steps = (
    # [ what, Cookie, extra headers, expected state, backend's Cookie ]
    [ 'no consent', $jar, [], 'none', 'MMAUTHTOKEN=tok; shop=1' ],
    [ 'the same again', $jar, [], 'none', 'MMAUTHTOKEN=tok; shop=1' ],
    [ 'consent given', "$jar; mautic_consent=1", [], 'granted',
      "$jar; mautic_consent=1" ],
    [ 'the same again', "$jar; mautic_consent=1", [], 'granted',
      "$jar; mautic_consent=1" ],
    [ 'Sec-GPC added', "$jar; mautic_consent=1", [ 'Sec-GPC' => '1' ], 'gpc',
      'MMAUTHTOKEN=tok; shop=1; mautic_consent=1' ],
    [ 'Sec-GPC gone', "$jar; mautic_consent=1", [], 'granted',
      "$jar; mautic_consent=1" ],
    # the same length as the grant: only the bytes tell them apart
    [ 'consent taken back', "$jar; mautic_consent=0", [], 'denied',
      'MMAUTHTOKEN=tok; shop=1; mautic_consent=0' ],
    [ 'the same again', "$jar; mautic_consent=0", [], 'denied',
      'MMAUTHTOKEN=tok; shop=1; mautic_consent=0' ],
    [ 'DNT added', "$jar; mautic_consent=1", [ DNT => '1' ], 'dnt',
      'MMAUTHTOKEN=tok; shop=1; mautic_consent=1' ],
    [ 'no Cookie header', undef, [], 'none', '' ],
    [ 'consent given again', "$jar; mautic_consent=1", [], 'granted',
      "$jar; mautic_consent=1" ],
);
for my $s (@steps) {
    my ($what, $cookie, $extra, $state, $backend) = @$s;
    my ($code, $seen, $set) = ask('/cgi/echo',
                                  defined $cookie ? (Cookie => $cookie) : (),
                                  @$extra);
    is($code, 200, "$what: answered on the kept connection");
    is($seen->{'consent-state'}, $state, "$what: Consent-State: $state");
    is($seen->{cookie}, $backend, "$what: the backend's Cookie header");
    is($seen->{env}, $state, "$what: CONSENTGATE");
}
is($conn->sockport, $port, 'every request went over one connection');

# the Set-Cookie side follows each request's own decision
my ($code, $seen, $set) = ask('/cgi/landing', Cookie => "$jar; mautic_consent=1");
ok((grep { $_ eq 'mautic_referer_id' } @$set),
   'consented: the backend sets mautic_referer_id');
($code, $seen, $set) = ask('/cgi/landing', Cookie => "$jar; mautic_consent=0");
is($code, 200, 'the landing page answers');
ok(!(grep { $_ eq 'mautic_referer_id' } @$set),
   'taken back on the same connection: mautic_referer_id removed');
($code, $seen, $set) = ask('/cgi/landing', Cookie => "$jar; mautic_consent=1");
ok((grep { $_ eq 'mautic_referer_id' } @$set),
   'given again: mautic_referer_id passes');

done_testing();
