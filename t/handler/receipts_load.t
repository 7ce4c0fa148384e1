# Receipts under load: 20 clients recording 2000 consents leave exactly
# 2000 whole JSON lines whose hash chain verifies, also after a graceful
# restart; with httpd children killed mid-load, every line is still whole,
# every answered consent has its receipt, and the chain still verifies.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use POSIX ();
use Apache::Test ();
use Apache::TestRequest ();
use CG ();

my $file = Apache::Test::vars('t_logs') . '/receipts-load.jsonl';
Apache::TestRequest::module('receipts');
my $url = 'http://' . Apache::TestRequest::hostport() . '/consentgate/consent';

sub lines {
    open my $fh, '<', $file or return ();
    return <$fh>;
}

# each client posts $n consents and writes how many were answered 204
sub clients {
    my ($count, $n) = @_;
    my @pids;
    for my $c (1 .. $count) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            require LWP::UserAgent;
            my $ua = LWP::UserAgent->new(keep_alive => 1, timeout => 20);
            my $ok = 0;
            for (1 .. $n) {
                my $res = $ua->post($url, 'Sec-Fetch-Site' => 'same-origin',
                                    Content => 'categories=tracking');
                $ok++ if $res->code == 204;
            }
            open my $out, '>', "$file.client$c" or POSIX::_exit(1);
            print $out "$ok\n";
            close $out;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    return @pids;
}

sub answered {
    my ($count) = @_;
    my $sum = 0;
    for my $c (1 .. $count) {
        open my $fh, '<', "$file.client$c" or next;
        $sum += <$fh>;
        unlink "$file.client$c";
    }
    return $sum;
}

my $before = () = lines();
waitpid($_, 0) for clients(20, 100);
my $answered = answered(20);
my @new = (lines())[$before .. $before + 1999];
is($answered, 2000, '2000 consents answered');
my @all = lines();
is(scalar(@all) - $before, 2000, 'exactly 2000 new receipt lines');
my %ids;
my $parsed = grep { my $d = eval { JSON::PP::decode_json($_) }; $d && ++$ids{ $d->{id} } } @all[$before .. $#all];
is($parsed, 2000, 'each a whole JSON object');
is(scalar(keys %ids), 2000, 'with 2000 distinct receipt ids');

my $verify = Apache::Test::vars('top_dir') . '/tools/consentgate-verify';
sub verifies {
    my $out = `'$verify' '$file' 2>&1`;
    return ($? == 0, $out);
}
my ($ok, $out) = verifies();
ok($ok, 'the chain of the 2000 concurrent receipts verifies') or diag($out);

# the receipt page finds a receipt in the middle of a large file, by the
# time in the cookie
{
    require Time::Local;
    my @all_now = lines();
    my $size = -s $file;
    ok($size > 256 * 1024, "a large file ($size bytes)");
    for my $i (int(@all_now / 3), int(@all_now / 2), $#all_now) {
        my $d = JSON::PP::decode_json($all_now[$i]);
        my ($y, $mo, $day, $h, $mi, $s) = $d->{time} =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/;
        my $when = Time::Local::timegm($s, $mi, $h, $day, $mo - 1, $y);
        my $res = Apache::TestRequest::GET('/consentgate/receipt?format=json',
                      Cookie => "mautic_consent=cg1.tracking.$when.0.$d->{id}");
        is($res->code, 200, "line $i: its receipt page");
        like($res->content, qr/"id":"$d->{id}"/, "line $i: with its receipt");
    }
}

# a graceful restart: the chain goes on from the file's last line
{
    my $ppid_file = Apache::Test::vars('t_logs') . '/httpd.pid';
    open my $fh, '<', $ppid_file or die "$ppid_file: $!";
    chomp(my $ppid = <$fh>);
    # consents go on while the children of two generations write
    $before = () = lines();
    my @pids = clients(10, 40);
    select(undef, undef, undef, 0.3);
    ok(kill('USR1', $ppid), 'graceful restart under load');
    waitpid($_, 0) for @pids;
    my $during = answered(10);
    ok($during > 0, "consents answered across the restart ($during)");
    is(scalar(() = lines()) - $before, $during, 'one receipt for each');
    ($ok, $out) = verifies();
    ok($ok, 'and the chain still verifies across it') or diag($out);
}

# children killed while consents are being recorded
{
    my $ppid_file = Apache::Test::vars('t_logs') . '/httpd.pid';
    open my $fh, '<', $ppid_file or die "$ppid_file: $!";
    chomp(my $ppid = <$fh>);
    $before = () = lines();
    my @pids = clients(10, 100);
    # kill a child three times while the clients run (the parent needs a
    # moment to start a replacement, longer under a sanitizer)
    my $killed = 0;
    for (1 .. 20) {
        last if $killed == 3;
        select(undef, undef, undef, 0.3);
        my @children = split ' ', `pgrep -P $ppid`;
        $killed += kill 'KILL', $children[0] if @children;
    }
    ok($killed >= 1, "httpd children were killed mid-load ($killed)");
    waitpid($_, 0) for @pids;
    $answered = answered(10);
    my @lines = lines();
    my @since = @lines[$before .. $#lines];
    ok($answered > 0, "consents went on being recorded ($answered answered)");
    is(scalar(grep { eval { JSON::PP::decode_json($_); 1 } } @since), scalar(@since),
       'every line is whole after children were killed');
    ok(scalar(@since) >= $answered, 'every answered consent has its receipt');
    ok(scalar(@since) <= 1000, 'and no receipt was written twice');
    ($ok, $out) = verifies();
    ok($ok, 'the chain verifies after children were killed') or diag($out);
}

done_testing();
