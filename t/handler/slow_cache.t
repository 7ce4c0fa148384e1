# A unique-visitor cache that accepts connections and never answers (a
# hung redis) holds up only the pixel requests that wait on it, each for
# ConsentUniqueCacheTimeout at most, never one behind another (httpd's
# RedisTimeout alone does not bound a call); other requests are
# unaffected; the views count and the uniques do not; then the cache
# is left alone and the pixel answers at once. The test starts the fake
# redis and its own httpd.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use JSON::PP ();
use LWP::UserAgent;
use Time::HiRes qw(time sleep);
use POSIX ();
use Apache::Test ();

my $httpd   = Apache::Test::vars('httpd');
my $modules = $ENV{CG_HTTPD_MODULES} or die 'CG_HTTPD_MODULES not set';
my $module  = Apache::Test::vars('top_dir') . '/.libs/mod_consentgate.so';
my $ua      = LWP::UserAgent->new(timeout => 15);
# ConsentUniqueCacheTimeout, seconds: long enough that what a broken
# module would do (wait one behind another, 12 times this; ask the cache
# it found down, this again) stands far above a loaded machine's delays
my $timeout = 3;

# the fake redis: accepts and keeps every connection, reads, never writes
my $listener = IO::Socket::INET->new(Listen => 128, LocalAddr => '127.0.0.1',
                                     LocalPort => 0, ReuseAddr => 1) or die $!;
my $fake_port = $listener->sockport;
my $fake = fork() // die "fork: $!";
if (!$fake) {
    my @held;
    $SIG{TERM} = sub { POSIX::_exit(0) };
    while (my $c = $listener->accept) {
        push @held, $c;
    }
    POSIX::_exit(0);
}
close $listener;

my $dir = tempdir(CLEANUP => 1);
my $port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                 LocalPort => 0)->sockport;
mkdir "$dir/htdocs";
open my $html, '>', "$dir/htdocs/index.html" or die $!;
print $html "<!DOCTYPE html><title>x</title>\n";
close $html;
open my $fh, '>', "$dir/httpd.conf" or die $!;
print $fh <<"CONF";
ServerRoot $dir
ServerName localhost
DefaultRuntimeDir $dir
PidFile $dir/httpd.pid
ErrorLog $dir/error_log
LogLevel warn
Listen 127.0.0.1:$port
DocumentRoot $dir/htdocs
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule socache_redis_module $modules/mod_socache_redis.so
LoadModule consentgate_module $module
StartServers 1
ServerLimit 1
ThreadsPerChild 32
MaxRequestWorkers 32
<Directory $dir/htdocs>
    Require all granted
</Directory>
RedisTimeout 5
ConsentUniqueCache redis:127.0.0.1:$fake_port
ConsentUniqueCacheTimeout @{[ $timeout * 1000 ]}
ConsentGate On
ConsentPreset mautic
ConsentStatus On
ConsentPixelLimit 0
CONF
close $fh;
system($httpd, '-f', "$dir/httpd.conf", '-k', 'start') == 0 or die "httpd did not start";
for (1 .. 50) {
    last if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port");
    sleep 0.1;
}

sub url { "http://127.0.0.1:$port$_[0]" }

sub today {
    my $res = $ua->get(url('/consentgate/status?format=json'));
    return JSON::PP::decode_json($res->content)->{today};
}

# a request in a child process; returns (pid, file its "code seconds" goes to)
sub background_get {
    my ($path, @headers) = @_;
    my $out = "$dir/out." . rand();
    my $pid = fork() // die "fork: $!";
    if (!$pid) {
        my $t0 = time;
        my $res = LWP::UserAgent->new(timeout => 15)->get(url($path), @headers);
        open my $o, '>', $out or POSIX::_exit(1);
        printf $o "%d %.3f\n", $res->code, time - $t0;
        close $o;
        POSIX::_exit(0);
    }
    return [ $pid, $out ];
}

sub result {
    my ($job) = @_;
    waitpid($job->[0], 0);
    open my $i, '<', $job->[1] or return (0, 999);
    my ($code, $secs) = split ' ', scalar <$i>;
    return ($code, $secs);
}

my $before = today();

# twelve visitors at once, while the cache hangs
my @jobs = map {
    background_get('/consentgate/pixel.gif?u=/p',
                   'User-Agent' => "Mozilla/5.0 (X11) SlowCache $_",
                   'Accept-Language' => 'en')
} 1 .. 12;
sleep 0.3;

# meanwhile, the rest of the site answers at once
for my $path ('/index.html', '/consentgate/status?format=json',
              '/consentgate/gpc.json') {
    my $t0 = time;
    my $res = $ua->get(url($path));
    my $secs = time - $t0;
    is($res->code, 200, "$path answers while the pixel waits on the cache");
    ok($secs < $timeout * 0.8, sprintf("... at once (%.2f s)", $secs));
}

my $slowest = 0;
for my $job (@jobs) {
    my ($code, $secs) = result($job);
    is($code, 200, sprintf('a pixel request completes (%.2f s)', $secs));
    $slowest = $secs if $secs > $slowest;
}
# the timeout each at most (under one mutex, they would queue one behind
# another, each for as long as the provider waits)
ok($slowest < $timeout * 2,
   sprintf('none waits much longer than the timeout of %.1f s (slowest %.2f s)',
           $timeout, $slowest));

my $after = today();
is($after->{views} - $before->{views}, 12, 'the views count');
is($after->{uniques} - $before->{uniques}, 0, 'the uniques do not');

# the cache is now left alone: the pixel answers at once
{
    my $t0 = time;
    my $res = $ua->get(url('/consentgate/pixel.gif'),
                       'User-Agent' => 'Mozilla/5.0 (X11) SlowCache later');
    my $secs = time - $t0;
    is($res->code, 200, 'a later pixel request');
    ok($secs < $timeout / 2,
       sprintf('answers at once, not asking the cache while it is down (%.2f s)', $secs));
    is(today()->{views} - $after->{views}, 1, 'and counts its view');
}

open my $log, '<', "$dir/error_log" or die $!;
my $errors = do { local $/; <$log> };
my $ms = $timeout * 1000;
my @logged = $errors =~ /CG036: ConsentUniqueCache: no answer within $ms ms; unique visitors are not counted for 30 s/g;
is(scalar(@logged), 1, 'the outage is logged, once');

system($httpd, '-f', "$dir/httpd.conf", '-k', 'stop');
for (1 .. 50) {
    last unless -e "$dir/httpd.pid";
    sleep 0.1;
}
kill 'TERM', $fake;
waitpid($fake, 0);

done_testing();
