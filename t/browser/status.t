# The status page with 30 days of counts, in Debian's chromium
# (t/browser/status.mjs): dated axes, legends, the JSON's numbers in the
# table and the charts, the comparison around a policy revision change,
# readable on a phone, no serious axe-core violation; screenshots go to
# t/logs/screenshots/. The 29 days before today are seeded the way the
# module keeps them over a full restart (ConsentStatusStore, written by
# this very server when it stopped); today is counted from requests.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use CG;
use Test::More;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use JSON::PP ();
use LWP::UserAgent;
use POSIX qw(strftime);
use Apache::Test ();

my ($top, $node, $chromium) = browser_tools('axe-core');

my $httpd   = Apache::Test::vars('httpd');
my $modules = $ENV{CG_HTTPD_MODULES} or die 'CG_HTTPD_MODULES not set';
my $module  = "$top/.libs/mod_consentgate.so";
my $ua      = LWP::UserAgent->new(timeout => 10);
my $dir     = tempdir(CLEANUP => 1);
my $store   = "$dir/status.json";
my $port    = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                    LocalPort => 0)->sockport;
my $base    = "http://127.0.0.1:$port";

sub write_conf {
    my ($revision) = @_;
    open my $fh, '>', "$dir/httpd.conf" or die $!;
    print $fh <<"CONF";
ServerRoot $dir
ServerName 127.0.0.1
DefaultRuntimeDir $dir
PidFile $dir/httpd.pid
ErrorLog $dir/error_log
LogLevel warn
Listen 127.0.0.1:$port
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule socache_shmcb_module $modules/mod_socache_shmcb.so
LoadModule consentgate_module $module
ConsentStatusStore $store
ConsentGate On
ConsentPreset mautic
ConsentCookieClass analytics ^_ga\$
ConsentPolicyRevision $revision
ConsentStatus On
ConsentPixelLimit 0
CONF
    close $fh;
}

sub start {
    system($httpd, '-f', "$dir/httpd.conf", '-k', 'start') == 0 or die "httpd did not start";
    for (1 .. 50) {
        last if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port");
        select(undef, undef, undef, 0.1);
    }
}

# until the parent is gone: it writes the store after removing its pid file
sub stop {
    my $pid = do { local (@ARGV, $/) = "$dir/httpd.pid"; <> };
    chomp $pid;
    system($httpd, '-f', "$dir/httpd.conf", '-k', 'stop');
    for (1 .. 100) {
        last unless kill 0, $pid;
        select(undef, undef, undef, 0.1);
    }
}

sub status_json {
    return JSON::PP::decode_json($ua->get("$base/consentgate/status?format=json")->content);
}

# a first run: one view, written to the store when httpd stops
write_conf(3);
start();
$ua->get("$base/consentgate/pixel.gif", 'User-Agent' => 'Mozilla/5.0 (X11) First');
my $views = status_json()->{today}{views};
stop();
ok(-s $store, 'the store is written when httpd stops');
my $saved = JSON::PP::decode_json(do { local (@ARGV, $/) = $store; <> });
my ($site) = @{ $saved->{sites} };
is($site->{days}[0]{views}, $views, "with today's views") or diag explain $saved;
unlike(do { local (@ARGV, $/) = $store; <> }, qr/salt|pixel\.gif/, 'no salt, no path');

# 29 earlier days, under revision 2 until 11 days ago and 3 since
my $now = time;
my @seed;
for my $ago (1 .. 29) {
    my $rev = $ago > 10 ? 2 : 3;
    push @seed, {
        date => strftime('%Y-%m-%d', gmtime($now - $ago * 86400)),
        views => 200 + 7 * $ago, uniques => 90 + 3 * $ago,
        accept_all => $rev == 2 ? 40 + $ago % 5 : 25 + $ago % 4,
        reject_all => $rev == 2 ? 10 + $ago % 3 : 22 + $ago % 6,
        custom => 5 + $ago % 4, withdraw => $ago % 3,
        no_choice => 30 + $ago % 7, gpc => 8 + $ago % 5, dnt => 4 + $ago % 3,
        revision => $rev,
    };
}
$site->{days} = [ @seed, @{ $site->{days} } ];
open my $fh, '>', $store or die $!;
print $fh JSON::PP->new->canonical->encode($saved);
close $fh;

# the server again: the store's days are back, today grows by requests
start();
my $doc = status_json();
my %by_date = map { $_->{date} => $_ } @{ $doc->{days} };
my $ok = 1;
for my $d (@seed) {
    for my $k (grep { $_ ne 'date' } keys %$d) {
        $ok = 0, diag("$d->{date} $k: $by_date{$d->{date}}{$k} != $d->{$k}")
            unless $by_date{$d->{date}} && $by_date{$d->{date}}{$k} == $d->{$k};
    }
}
ok($ok, 'the seeded days are read back, every number');
is($doc->{today}{views}, $views, "today's views survived the restart");

my @same = ('Sec-Fetch-Site' => 'same-origin',
            'Content-Type' => 'application/x-www-form-urlencoded');
for my $i (1 .. 12) {
    $ua->get("$base/consentgate/pixel.gif?u=/page-$i", 'User-Agent' => "Mozilla/5.0 (X11) V$i",
             Referer => "$base/page-$i", ($i % 4 ? () : ('Sec-GPC' => '1')));
}
$ua->post("$base/consentgate/consent", @same, Content => 'categories=tracking,analytics') for 1 .. 3;
$ua->post("$base/consentgate/consent", @same, Content => 'categories=') for 1 .. 2;
$ua->post("$base/consentgate/consent", @same, Content => 'categories=analytics');
$ua->post("$base/consentgate/forget", 'Sec-Fetch-Site' => 'same-origin');
my $today = status_json()->{today};
is_deeply([ @$today{qw(accept_all reject_all custom withdraw)} ], [ 3, 2, 1, 1 ],
          "today's choices, from requests");
is($today->{revision}, 3, 'under revision 3');

# the browser
my $shots = "$top/t/logs/screenshots";
mkdir $shots;
local $ENV{CG_STATUS} = $base;
local $ENV{CG_SHOTS} = $shots;
local $ENV{CG_CHROMIUM} = $chromium;
local $ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
open my $tap, '-|', $node, "$top/t/browser/status.mjs" or die "$node: $!";
my $seen = 0;
while (my $line = <$tap>) {
    chomp $line;
    if ($line =~ /^(not )?ok \d+ - (.*)$/) {
        ok(!$1, "chromium: $2");
        $seen++;
    }
    elsif ($line =~ /^#\s?(.*)$/) {
        diag($1);
    }
}
close $tap;
ok($seen > 20, "the browser ran its checks ($seen)");

stop();
done_testing();
