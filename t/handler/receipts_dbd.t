# ConsentReceipts dbd: the same receipts as rows of consent_receipts in a
# real PostgreSQL (started by t/run-tests), through mod_dbd.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Apache::Test ();
use CG;

sub sql {
    my ($query) = @_;
    my @cmd = ('psql', '-h', $ENV{CG_PG_SOCKDIR}, '-p', $ENV{CG_PG_PORT},
               '-d', 'postgres', '-At', '-F', '|', '-c', $query);
    open my $fh, '-|', @cmd or die "psql: $!";
    my @rows = map { chomp; $_ } <$fh>;
    close $fh;
    return @rows;
}

sub receipt_id {
    my ($res, $cookie) = @_;
    my ($line) = grep { /^$cookie=/ } set_cookie_lines($res);
    return $line && $line =~ /\.([0-9a-f]{32});/ ? $1 : undef;
}

# the notice shown, archived in ConsentNoticeArchive, cited by the row
{
    my $js = get_from('receipts_db', '/consentgate/banner.js')->content;
    my ($text, $hash) = $js =~ /\((\{[^\n]*),"notice":"([0-9a-f]{64})"\}\);\n\z/;
    ok($hash, 'banner.js names its notice');
    my $file = Apache::Test::vars('t_logs') . "/notices-db/$hash.json";
    open my $fh, '<:raw', $file;
    is($fh && do { local $/; <$fh> }, "$text}", 'archived in ConsentNoticeArchive');
    my $res = post_from('receipts_db', '/consentgate/consent', 'Sec-Fetch-Site' => 'same-origin',
                        'Content-Type' => 'application/json',
                        content => qq({"categories": ["tracking"], "method": "custom", "notice": "$hash"}));
    my $id = receipt_id($res, 'mautic_consent');
    my ($row) = sql("SELECT method, notice, lang, host, expires > now() + interval '150 days' "
                  . "FROM consent_receipts WHERE id = '$id'");
    is($row, "custom|$hash|en|localhost|t", 'the row: method, notice, language, site, expiry');
}

my ($before) = sql('SELECT count(*) FROM consent_receipts');

my $res = post_from('receipts_db', '/consentgate/consent', 'Sec-Fetch-Site' => 'same-origin',
                    'Sec-GPC' => '1', 'Content-Type' => 'application/x-www-form-urlencoded',
                    content => 'categories=tracking');
is($res->code, 204, 'consent recorded');
my $id = receipt_id($res, 'mautic_consent');
ok($id, 'the cookie carries a receipt id');
my ($row) = sql("SELECT action, categories::text, policy_revision, gpc, dnt, "
              . "time > now() - interval '1 minute' FROM consent_receipts WHERE id = '$id'");
is($row, 'grant|["tracking"]|0|t|f|t', 'the row: grant, tracking, revision 0, GPC sent, just now');

$res = post_from('receipts_db', '/consentgate/consent', 'Sec-Fetch-Site' => 'same-origin',
                 'Content-Type' => 'application/json', content => '{"categories": []}');
my $refusal = receipt_id($res, 'mautic_consent');
($row) = sql("SELECT action, categories::text FROM consent_receipts WHERE id = '$refusal'");
is($row, 'refuse|[]', 'a refusal');

$res = get_from('receipts_db', '/consentgate/forget', Cookie => 'mtc_id=5; mautic_consent=1');
my $revoke = receipt_id($res, 'mautic_consent');
($row) = sql("SELECT action FROM consent_receipts WHERE id = '$revoke'");
is($row, 'revoke', 'forget of a consent writes a revocation');

# a forget from a visitor who consented to nothing has nothing to prove
my ($mid) = sql('SELECT count(*) FROM consent_receipts');
$res = get_from('receipts_db', '/consentgate/forget', Cookie => 'mtc_id=5');
is($res->code, 204, 'forget without a consent: 204');
is((sql('SELECT count(*) FROM consent_receipts'))[0], $mid,
   'and no receipt');

my ($after) = sql('SELECT count(*) FROM consent_receipts');
is($after - $before, 3, 'one row a choice');

# a refused request writes nothing
post_from('receipts_db', '/consentgate/consent', Origin => 'https://evil.example',
          'Content-Type' => 'application/x-www-form-urlencoded', content => 'categories=tracking');
is((sql('SELECT count(*) FROM consent_receipts'))[0], $after, 'a cross-site request leaves no row');

# the database is down: a withdrawal still works
$res = get_from('receipts_db_down', '/consentgate/forget',
                Cookie => 'mautic_consent=1; mtc_id=5');
is($res->code, 204, 'forget with the receipts unreachable: still 204');
ok(scalar(grep { /^mtc_id=;.*Max-Age=0/ } set_cookie_lines($res)),
   '... the tracking cookie is expired');
ok(scalar(grep { /^mautic_consent=cg1\.\./ } set_cookie_lines($res)),
   '... and the refusal is set');

# no receipt, no consent: the database is down
$res = post_from('receipts_db_down', '/consentgate/consent', 'Sec-Fetch-Site' => 'same-origin',
                 'Content-Type' => 'application/x-www-form-urlencoded', content => 'categories=tracking');
is($res->code, 500, 'a consent that cannot be recorded fails');
ok(!grep({ /^mautic_consent=/ } set_cookie_lines($res)), 'and sets no consent cookie');

done_testing();
