# ConsentSecret: the structured consent carries an HMAC over its fields and
# the site; an unsigned, forged, tampered or other site's value is no
# consent; keys rotate (the first signs, all verify). ConsentPlainValues
# refuse: "1" and friends are no consent.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::TestRequest ();
use CG;

sub origin {
    Apache::TestRequest::module($_[0]);
    return 'http://' . Apache::TestRequest::hostport();
}

sub granted_value {
    my ($vhost) = @_;
    my $res = post_from($vhost, '/consentgate/consent', content => 'categories=tracking',
                        'Content-Type' => 'application/x-www-form-urlencoded',
                        Origin => origin($vhost));
    my ($line) = grep { /^mautic_consent=/ } set_cookie_lines($res);
    return $line && $line =~ /^mautic_consent=([^;]*)/ ? $1 : '';
}

sub state_of {
    my ($vhost, $value) = @_;
    my $res = get_from($vhost, '/cgi/echo', Cookie => "mautic_consent=$value");
    return $res->content =~ /^consent-state: (.*)$/m ? $1 : '';
}

my $value = granted_value('signed');
like($value, qr/^cg1\.tracking\.\d+\.0\.[0-9a-f]{32}\.[A-Za-z0-9_-]{22}$/,
     'the consent cookie carries a signature');
is(state_of('signed', $value), 'granted', 'a signed consent counts');

my ($unsigned) = $value =~ /^(.*)\.[^.]+$/;
is(state_of('signed', $unsigned), 'none', 'the same value unsigned is no consent');

(my $tampered = $value) =~ s/^cg1\.tracking\./cg1.tracking~ads./;
is(state_of('signed', $tampered), 'none', 'a category added: no consent');
(my $revised = $value) =~ s/\.0\.([0-9a-f]{32})\./.999999999.$1./;
is(state_of('signed', $revised), 'none', 'a revision raised: no consent');
my $t = time - 60;
is(state_of('signed', "cg1.tracking.$t.999999999.xxxxxxxx"), 'none',
   'a forged value: no consent');
is(state_of('signed', "cg1.tracking.$t.0.0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAA"),
   'none', 'a wrong signature: no consent');

is(state_of('signed_sibling', $value), 'none',
   'another site with the same keys does not take it');
is(state_of('signed_rotated', $value), 'granted',
   'after a rotation the old key still verifies');
like(granted_value('signed_rotated'), qr/^cg1\.tracking\./, 'and the new key signs');
isnt(granted_value('signed_rotated') =~ s/.*\.//r, $value =~ s/.*\.//r,
     'with another signature');

is(state_of('signed', '1'), 'none', 'ConsentPlainValues refuse: "1" is no consent');
is(state_of('signed_rotated', '1'), 'granted', 'by default "1" keeps its meaning');

done_testing();
