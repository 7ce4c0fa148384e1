# Receipts that prove what was shown and were not changed afterwards: each
# names the archived notice its visitor was shown and how they chose; the
# lines are hash-chained, and consentgate-verify names the first line
# edited, deleted or moved; a changed banner and a restart archive a new
# notice that new receipts cite; GET /consentgate/receipt shows a visitor
# their own receipt and nothing about anyone else's.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use Digest::SHA ();
use Apache::Test ();
use CG;

my $logs = Apache::Test::vars('t_logs');
my $top = Apache::Test::vars('top_dir');
my $verify = "$top/tools/consentgate-verify";
my $file = "$logs/receipts-chain.jsonl";
my $banner_file = "$logs/banner-receipts.json";
my @same = ('Sec-Fetch-Site' => 'same-origin');

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or return undef;
    local $/;
    return scalar <$fh>;
}

sub receipts {
    my ($path) = @_;
    open my $fh, '<', $path || $file or return ();
    return map { JSON::PP::decode_json($_) } <$fh>;
}

sub receipt_of {
    my ($res) = @_;
    my ($line) = grep { /^mautic_consent=/ } set_cookie_lines($res);
    my ($value) = $line ? $line =~ /^mautic_consent=([^;]*)/ : ();
    my ($rid) = $value ? $value =~ /\.([0-9a-f]{32})$/ : ();
    return unless $rid;
    my ($rec) = grep { $_->{id} eq $rid } receipts();
    return ($rec, $value);
}

# the notice banner.js serves to a language: its hash and its text
sub served_notice {
    my ($lang) = @_;
    my $js = get_from('receipts_chain', '/consentgate/banner.js',
                      'Accept-Language' => $lang)->content;
    my ($arg) = $js =~ /\((\{[^\n]*\})\);\n\z/;
    my ($text, $hash) = ($arg || '') =~ /\A(.*),"notice":"([0-9a-f]{64})"\}\z/s;
    return ($hash, defined $text ? "$text}" : undef);
}

sub consent {
    my ($body, @headers) = @_;
    return post_from('receipts_chain', '/consentgate/consent', @same,
                     'Content-Type' => 'application/json',
                     content => JSON::PP::encode_json($body), @headers);
}

sub verify {
    my @files = @_;
    my $out = `'$verify' @files 2>&1`;
    return ($? >> 8, $out);
}


# ---- the notice archive
my ($de_hash, $de_text) = served_notice('de');
my ($en_hash, $en_text) = served_notice('en');
ok($de_hash && $en_hash && $de_hash ne $en_hash, 'each language is a notice of its own');
is(Digest::SHA::sha256_hex($de_text), $de_hash, 'named by the SHA-256 of the text served');
is(slurp("$logs/notices/$de_hash.json"), $de_text,
   'the archive holds exactly the German text served');
is(slurp("$logs/notices/$en_hash.json"), $en_text, 'and the English one');
like($de_text, qr/Wiederkehrende Besucher/, 'which is the German banner');

# ---- a consent through the endpoint cites the notice its visitor was shown
my $res = consent({ categories => ['tracking'], method => 'accept_all', notice => $de_hash },
                  'Accept-Language' => 'de');
is($res->code, 204, 'a consent from the banner');
my ($rec, $value) = receipt_of($res);
ok($rec, 'has its receipt');
is($rec->{notice}, $de_hash, 'citing the German notice');
is($rec->{lang}, 'de', 'in German');
is(slurp("$logs/notices/$rec->{notice}.json"), $de_text,
   'an archived file that holds exactly the text that was served');
is($rec->{method}, 'accept_all', 'method accept_all');
is($rec->{host}, 'localhost', 'on this site');
is_deeply($rec->{categories}, ['tracking'], 'of tracking');
like($rec->{expires}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'until when');
{
    my ($y) = $rec->{time} =~ /^(\d{4})/;
    my ($ey, $em) = $rec->{expires} =~ /^(\d{4})-(\d\d)/;
    ok($ey * 12 + $em > $y * 12, 'six months later');
}
ok(!grep({ /127\.0\.0\.1/ } values %$rec), 'and no address');
my $granted = $value;

# each method, written by the path that causes it
($rec) = receipt_of(consent({ categories => [], method => 'reject_all', notice => $en_hash }));
is($rec && $rec->{method}, 'reject_all', 'reject_all from the banner\'s reject button');
is($rec && $rec->{action}, 'refuse', '... a refusal');
is($rec && $rec->{lang}, 'en', '... in the language of its notice');
($rec) = receipt_of(consent({ categories => ['tracking'], method => 'custom', notice => $en_hash }));
is($rec && $rec->{method}, 'custom', 'custom from the banner\'s save button');
($rec) = receipt_of(consent({ categories => [], method => 'accept_all' }));
is($rec && $rec->{method}, 'reject_all', 'an accept_all that grants nothing is not believed');
($rec) = receipt_of(consent({ categories => ['tracking'], notice => 'f' x 64 }));
is($rec && $rec->{notice}, 'unknown', 'a notice hash never served is recorded as unknown');
is($rec && $rec->{method}, 'accept_all', 'and the method the categories show');
($rec) = receipt_of(consent({ categories => ['tracking'], notice => "$de_hash/../x" }));
is($rec && $rec->{notice}, 'unknown', 'as is anything else');

($rec) = receipt_of(post_from('receipts_chain', '/consentgate/forget', @same,
                              Cookie => "mautic_consent=$granted", content => ''));
is($rec && $rec->{method}, 'withdraw', 'withdraw from forget');
is($rec && $rec->{action}, 'revoke', '... a revocation');
($rec) = receipt_of(get_from('receipts_chain', '/cgi/email/dnc/abc',
                             Cookie => "mautic_consent=$granted"));
is($rec && $rec->{method}, 'revocation_path', 'revocation_path from a ConsentRevokePath');
is($rec && $rec->{action}, 'revoke', '... a revocation');

# ---- the visitor's own receipt
{
    my $r = get_from('receipts_chain', '/consentgate/receipt',
                     Cookie => "mautic_consent=$granted");
    is($r->code, 200, 'GET /consentgate/receipt with a consent cookie');
    my ($rid) = $granted =~ /\.([0-9a-f]{32})$/;
    like($r->content, qr/\Q$rid\E/, 'shows that receipt');
    like($r->content, qr/accept_all/, 'how the visitor chose');
    like($r->content, qr/Wiederkehrende Besucher/, 'the text they saw');
    like($r->content, qr{<form method="post" action="/consentgate/forget">},
         'and how to withdraw');
    like($r->content, qr{<input type="hidden" name="return_to" value="/consentgate/receipt">},
         'coming back to this page after it');
    is($r->header('Cache-Control'), 'no-store', 'never cached');
    is_deeply([ set_cookie_lines($r) ], [], 'no cookie');
    my $j = get_from('receipts_chain', '/consentgate/receipt?format=json',
                     Cookie => "mautic_consent=$granted");
    is($j->header('Content-Type'), 'application/json', 'as JSON with ?format=json');
    my $doc = JSON::PP::decode_json($j->content);
    is($doc->{receipt}{id}, $rid, 'the same receipt');
    is($doc->{receipt}{notice}, $de_hash, 'its notice');
    is($doc->{notice}{lang}, 'de', 'with the notice itself');
    is($doc->{withdraw}, '/consentgate/forget', 'and where to withdraw');
    $doc = JSON::PP::decode_json(get_from('receipts_chain', '/consentgate/receipt',
                                          Accept => 'application/json',
                                          Cookie => "mautic_consent=$granted")->content);
    is($doc->{receipt}{id}, $rid, 'or with Accept: application/json');

    # an unknown id, a forged signature, no cookie: one answer
    (my $unknown = $granted) =~ s/\.[0-9a-f]{32}$/'.' . ('0' x 32)/e;
    my $u = get_from('receipts_chain', '/consentgate/receipt', Cookie => "mautic_consent=$unknown");
    my $s_res = post_from('receipts_signed', '/consentgate/consent', @same,
                          'Content-Type' => 'application/x-www-form-urlencoded',
                          content => 'categories=tracking');
    my ($signed) = map { /^mautic_consent=([^;]*)/ ? $1 : () } set_cookie_lines($s_res);
    ok($signed && $signed =~ /^cg1\.tracking\.\d+\.0\.[0-9a-f]{32}\.\S+$/, 'a signed consent');
    is(get_from('receipts_signed', '/consentgate/receipt', Cookie => "mautic_consent=$signed")->code,
       200, 'shows its receipt');
    (my $forged = $signed) =~ s/\.([0-9a-f])([0-9a-f]{31})\./'.' . ($1 eq 'a' ? 'b' : 'a') . "$2."/e;
    my $f = get_from('receipts_signed', '/consentgate/receipt', Cookie => "mautic_consent=$forged");
    my $n = get_from('receipts_chain', '/consentgate/receipt');
    is($u->code, 404, 'an unknown id: 404');
    is($f->code, 404, 'a forged id: 404');
    is($n->code, 404, 'no cookie: 404');
    is($f->content, $u->content, 'the same body for a forged and an unknown id');
    is($n->content, $u->content, 'and for none');
    my $uj = get_from('receipts_chain', '/consentgate/receipt?format=json', Cookie => "mautic_consent=$unknown");
    my $fj = get_from('receipts_signed', '/consentgate/receipt?format=json', Cookie => "mautic_consent=$forged");
    is($uj->code, 404, 'as JSON too');
    is($fj->content, $uj->content, 'with one body');
    is(get_from('receipts_chain', '/consentgate/x/receipt',
                Cookie => "mautic_consent=$granted")->code, 404,
       'only at its exact path');
    is(post_from('receipts_chain', '/consentgate/receipt', @same)->code, 405, 'GET only');
}

# ---- the chain
my ($rc, $out) = verify($file);
is($rc, 0, 'the untouched file verifies') or diag($out);
{
    open my $fh, '<', $file or die;
    my @lines = <$fh>;
    ok(@lines >= 8, 'over several lines');
    my $n = 3;
    my %broken = (
        edited    => sub { my @l = @_;
                               $l[$n - 1] =~ s/"dnt":(true|false)/'"dnt":' . ($1 eq 'true' ? 'false' : 'true')/e
                                   or die 'no dnt'; @l },
        deleted   => sub { my @l = @_; splice(@l, $n - 1, 1); @l },
        reordered => sub { my @l = @_; @l[$n - 1, $n] = @l[$n, $n - 1]; @l },
    );
    for my $how (sort keys %broken) {
        my $copy = "$logs/receipts-chain.$how";
        open my $w, '>', $copy or die;
        print $w $broken{$how}->(@lines);
        close $w;
        my ($rc2, $out2) = verify($copy);
        is($rc2, 1, "a line $how: the verifier fails");
        like($out2, qr/^\Q$copy\E:$n: /m, "naming line $n") or diag($out2);
    }
}

# ---- a changed banner and a restart: a new notice, cited by new receipts
{
    my $json = slurp($banner_file);
    $json =~ s/Wiederkehrende Besucher erkennen\./Wiederkehrende Besucher erkennen (neu)./
        or die 'banner text not found';
    open my $w, '>', $banner_file or die;
    print $w $json;
    close $w;
    my $new_hash;
    ok(graceful_restart(sub { ($new_hash) = served_notice('de'); $new_hash && $new_hash ne $de_hash }),
       'after a graceful restart banner.js shows the changed text');
    my ($h2, $t2) = served_notice('de');
    like($t2, qr/\(neu\)/, 'the new German text');
    is(slurp("$logs/notices/$h2.json"), $t2, 'archived under its own hash');
    is(slurp("$logs/notices/$de_hash.json"), $de_text, 'the old notice stays archived');
    ($rec) = receipt_of(consent({ categories => ['tracking'], method => 'accept_all', notice => $h2 },
                                'Accept-Language' => 'de'));
    is($rec && $rec->{notice}, $h2, 'a new receipt cites the new notice');
    # a page loaded before the restart: its notice is no longer served but
    # is archived, so a choice made on it still cites it
    ($rec) = receipt_of(consent({ categories => ['tracking'], notice => $de_hash }));
    is($rec && $rec->{notice}, $de_hash, 'a choice on the old notice cites it, from the archive');
    is($rec && $rec->{lang}, 'de', 'in its language');
    ($rc, $out) = verify($file);
    is($rc, 0, 'the chain goes on across the restart') or diag($out);
}

done_testing();
