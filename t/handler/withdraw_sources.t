# A withdrawal made through the module (POST {endpoint}/forget, which the
# receipt page's button and banner.js's forget() send) where the consent
# is read from another banner and ConsentSource leaves `own` out: the
# refusal it sets holds against the other banner's older grant, and a new
# choice made there afterwards counts again. The `cmp` vhost: /uc/ follows
# Usercentrics' mirror only, its endpoint usercentrics and osano.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use Time::HiRes ();
use Apache::Test ();
use CG;

my $logs = Apache::Test::vars('t_logs');
my $file = "$logs/receipts-cmp.jsonl";
my @same = ('Sec-Fetch-Site' => 'same-origin');

# the value banner.js writes for a Usercentrics choice made at $ms
sub uc_value {
    my ($ms, $mautic) = @_;
    my $json = '{"time":' . $ms . ',"consents":{"svc-mautic":' . ($mautic ? 'true' : 'false')
        . ',"svc-matomo":false}}';
    $json =~ s/([^A-Za-z0-9\-_.!~*'()])/sprintf('%%%02X', ord $1)/ge;
    return $json;
}

sub now_ms { int(Time::HiRes::time() * 1000) }

# the pair a Set-Cookie line sets
sub pair_of {
    my ($res, $name) = @_;
    my ($line) = grep { /^\Q$name\E=/ } set_cookie_lines($res);
    return $line && $line =~ /^([^;]+)/ ? $1 : undef;
}

sub mirror {
    my ($value, @cookie) = @_;
    return post_from('cmp', '/consentgate/consent', @same, 'Content-Type' => 'application/json',
                     content => JSON::PP::encode_json({ mirror => 'usercentrics', value => $value }),
                     @cookie ? (Cookie => join('; ', @cookie)) : ());
}

sub tracked {
    return scalar tracking_names(get_from('cmp', '/uc/mtracking.gif', Cookie => join('; ', @_)));
}

sub last_receipt {
    open my $fh, '<', $file or return {};
    my @l = <$fh>;
    return @l ? JSON::PP::decode_json($l[-1]) : {};
}

# ---- a grant in Usercentrics, mirrored with its receipt
my $res = mirror(uc_value(now_ms() - 2000, 1));
is($res->code, 204, 'usercentrics grant mirrored');
my $grant = pair_of($res, 'consentgate_usercentrics');
ok($grant, 'the mirror cookie set') or diag(join "\n", set_cookie_lines($res));
is(tracked($grant // ''), 3, 'the gate follows the grant: the tracking cookies pass');

# ---- withdrawn here
sleep 1;
$res = post_from('cmp', '/consentgate/forget', @same, Cookie => $grant // '');
is($res->code, 204, 'forget: accepted');
my $refusal = pair_of($res, 'mautic_consent');
like($refusal // '', qr/^mautic_consent=cg1\.\./, 'forget sets the module\'s refusal');
is_deeply([@{last_receipt()}{qw(action method)}], ['revoke', 'withdraw'],
          'and records the withdrawal of the grant Usercentrics held');
is(tracked($grant // '', $refusal // ''), 0,
   'the withdrawal holds against the older Usercentrics grant, though ConsentSource names only usercentrics');
is(tracked($grant // ''), 3, 'without the refusal the mirror would grant again (what the withdrawal holds back)');
my $told = get_from('cmp', '/uc/echo', Cookie => join('; ', $grant // '', $refusal // ''));
like($told->content, qr/^consent-state: denied$/m, 'the backend is told: denied');
like($told->content, qr/^source: usercentrics$/m, 'read from Usercentrics, the withdrawal taking its grant away');

# ---- a new choice in Usercentrics after the withdrawal counts again
sleep 1;
$res = mirror(uc_value(now_ms(), 1), $grant // '', $refusal // '');
is($res->code, 204, 'a new Usercentrics grant mirrored');
my $again = pair_of($res, 'consentgate_usercentrics');
is(last_receipt()->{action}, 'grant', 'with a grant receipt');
is(tracked($again // '', $refusal // ''), 3, 'chosen again after the withdrawal: the tracking cookies pass');

# ---- a withdrawal in Usercentrics itself still stops them, refusal here or not
$res = mirror(uc_value(now_ms(), 0), $again // '', $refusal // '');
my $no = pair_of($res, 'consentgate_usercentrics');
is(tracked($no // '', $refusal // ''), 0, 'withdrawn in Usercentrics: stopped');
is(tracked($no // ''), 0, 'and without the module\'s refusal too');

done_testing();
