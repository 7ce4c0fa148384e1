# Bounded receipts: ConsentReceiptRate (a burst from one address writes at
# most the configured number and gets 429 beyond; refusals and withdrawals
# still work), ConsentReceiptMaxSize (grants fail closed, withdrawals
# work), ConsentReceiptRetention (every start continues the chain in a new
# file; old files are deleted); ConsentAllowSameSite.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use POSIX ();
use Apache::Test ();
use Apache::TestRequest ();
use CG;

my $logs = Apache::Test::vars('t_logs');
my $verify = Apache::Test::vars('top_dir') . '/tools/consentgate-verify';
my $form = 'application/x-www-form-urlencoded';
my @same = ('Sec-Fetch-Site' => 'same-origin');

sub lines {
    my ($path) = @_;
    open my $fh, '<', $path or return ();
    return <$fh>;
}

sub consent {
    my ($vhost, $body, @h) = @_;
    my %h = @h;
    return post_from($vhost, '/consentgate/consent',
                     exists $h{'Sec-Fetch-Site'} ? () : @same,
                     'Content-Type' => $form, content => $body, @h);
}

sub consent_value {
    my ($res) = @_;
    my ($v) = map { /^mautic_consent=([^;]*)/ ? $1 : () } set_cookie_lines($res);
    return $v;
}

sub expired_names {
    my ($res) = @_;
    return sort map { /^([^=]+)=;.*Max-Age=0/i ? $1 : () } set_cookie_lines($res);
}

# the files moved aside from $path, oldest first
sub moved {
    my ($path) = @_;
    my @f = sort glob("$path.*");
    return @f;
}


# ---- ConsentReceiptRate 5: a burst of grants from one address
{
    my $file = "$logs/receipts-rate.jsonl";
    # one burst inside one minute
    sleep(61 - (time % 60)) if time % 60 > 45;
    my $before = () = lines($file);
    my (%codes, $cookies_beyond);
    for (1 .. 40) {
        my $res = consent('receipts_rate', 'categories=tracking');
        $codes{ $res->code }++;
        $cookies_beyond++ if $res->code == 429 && defined consent_value($res);
    }
    my $written = () = lines($file);
    $written -= $before;
    is($codes{204}, 5, 'five grants answered');
    is($codes{429}, 35, 'the rest 429');
    ok(!$cookies_beyond, 'with no consent cookie');
    is($written, 5, 'and at most five receipts written');

    # a refusal and a withdrawal beyond the limit still work, without a receipt
    my $res = consent('receipts_rate', '');
    is($res->code, 204, 'a refusal beyond the rate: 204');
    like(consent_value($res) || '', qr/^cg1\.\./, 'with the refusal cookie');
    $res = post_from('receipts_rate', '/consentgate/forget', @same, content => '',
                     Cookie => 'mtc_id=5; mautic_consent=1');
    is($res->code, 204, 'a withdrawal beyond the rate: 204');
    is_deeply([ expired_names($res) ], [ 'mtc_id' ], 'which expires the cookie');
    like(consent_value($res) || '', qr/^cg1\.\./, 'and refuses');
    is(scalar(() = lines($file)) - $before, 5, 'still five receipts');
    like(`grep -c 'over ConsentReceiptRate' '$logs/error_log'`, qr/^[1-9]/,
         'the refused grants are logged');

    # a graceful restart keeps the counts: within the same minute the
    # address is still over the rate
    my $minute = int(time / 60);
    my $resumed = sub { my ($n) = `grep -c 'resuming normal operations' '$logs/error_log'` =~ /(\d+)/; $n || 0 };
    my $before_restart = $resumed->();
    ok(graceful_restart(sub { $resumed->() > $before_restart }), 'a graceful restart');
    $res = consent('receipts_rate', 'categories=tracking');
    SKIP: {
        skip 'the minute turned during the restart', 1 if int(time / 60) != $minute;
        is($res->code, 429, 'after it, the same address is still over the rate');
    }
}

# ---- ConsentReceiptMaxSize 1: full after the first line
{
    my $file = "$logs/receipts-full.jsonl";
    my $res = consent('receipts_full', 'categories=tracking');
    $res = consent('receipts_full', 'categories=tracking') if $res->code == 204;
    is($res->code, 500, 'a grant with the receipts file full: 500');
    ok(!defined consent_value($res), 'and no consent cookie');
    my $n = () = lines($file);
    $res = post_from('receipts_full', '/consentgate/forget', @same, content => '',
                     Cookie => 'mtc_id=5; mautic_consent=1');
    is($res->code, 204, 'forget still works');
    is_deeply([ expired_names($res) ], [ 'mtc_id' ], 'expires');
    like(consent_value($res) || '', qr/^cg1\.\./, 'and refuses');
    $res = consent('receipts_full', '');
    is($res->code, 204, 'so does a refusal');
    is(scalar(() = lines($file)), $n, 'without a receipt');
}

# ---- ConsentReceiptRetention: every start continues the chain in a new file
{
    my $file = "$logs/receipts-rotate.jsonl";
    consent('receipts_rotate', 'categories=tracking') for 1 .. 3;
    my @old = moved($file);
    # a file rotated long ago, and a recent one
    my $ancient = "$file.20200101-000000-000000";
    my $recent = "$file.20991231-000000-000000";
    for my $f ($ancient, $recent) {
        open my $w, '>', $f or die "$f: $!";
        print $w "{}\n";
        close $w;
    }
    my $t = time - 500 * 86400;
    utime($t, $t, $ancient) or die;
    ok(graceful_restart(sub { scalar(grep { $_ ne $ancient && $_ ne $recent } moved($file)) > @old
                      && -s $file }),
       'a graceful restart moves the receipts aside');
    my %old = map { $_ => 1 } @old, $recent;
    my ($moved) = grep { !$old{$_} && $_ ne $ancient } moved($file);
    ok($moved && $moved =~ /\.\d{8}-\d{6}-\d{6}$/, "as $moved");
    my @first = lines($file);
    my $head = eval { JSON::PP::decode_json($first[0]) } || {};
    is($head->{rotated_from}, ($moved =~ m{([^/]+)$})[0], 'the new file begins citing it');
    consent('receipts_rotate', 'categories=tracking');
    my $out = `'$verify' '$moved' '$file' 2>&1`;
    is($?, 0, 'the moved file and the new one verify as one chain') or diag($out);
    $out = `'$verify' '$recent' '$file' 2>&1`;
    isnt($?, 0, 'another file before it does not');
    ok(!-e $ancient, 'a file last written 500 days ago is deleted (400d)');
    ok(-e $recent, 'a recent one is kept');
    unlink $recent;

    # a restart while consents are being written: the children from
    # before it stop at the line that closes their file; the history
    # verifies whole
    my $url = 'http://' . do { Apache::TestRequest::module('receipts_rotate');
                                Apache::TestRequest::hostport() } . '/consentgate/consent';
    my @pids;
    for my $c (1 .. 4) {
        my $pid = fork // die;
        if (!$pid) {
            require LWP::UserAgent;
            my $ua = LWP::UserAgent->new(keep_alive => 1, timeout => 20);
            $ua->post($url, @same, Content => 'categories=tracking') for 1 .. 60;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    my $n_before = () = moved($file);
    select(undef, undef, undef, 0.3);
    ok(graceful_restart(sub { scalar(() = moved($file)) > $n_before && -s $file }),
       'a restart during consents rotates');
    waitpid($_, 0) for @pids;
    my @history = (moved($file), $file);
    $out = `'$verify' @history 2>&1`;
    is($?, 0, 'every file, oldest first, verifies as one chain') or diag($out);
    my @moved = moved($file);
    my @tail = lines($moved[-1]);
    like($tail[-1], qr/^\{"rotated_to":"receipts-rotate\.jsonl"/, 'the moved file ends with the line that closed it');
}

# ---- Sec-Fetch-Site: same-site only with ConsentAllowSameSite On
{
    my $res = consent('gate', 'categories=tracking', 'Sec-Fetch-Site' => 'same-site');
    is($res->code, 403, 'a sibling subdomain cannot consent by default');
    ok(!defined consent_value($res), 'no cookie');
    is(post_from('gate', '/consentgate/forget', 'Sec-Fetch-Site' => 'same-site',
                 content => '')->code, 403, 'nor withdraw by POST');
    $res = consent('same_site', 'categories=tracking', 'Sec-Fetch-Site' => 'same-site');
    is($res->code, 204, 'with ConsentAllowSameSite On it can');
    like(consent_value($res) || '', qr/^cg1\.tracking\./, 'and the consent is set');
    is(consent('same_site', 'categories=tracking', 'Sec-Fetch-Site' => 'cross-site')->code,
       403, 'cross-site never');
}

done_testing();
