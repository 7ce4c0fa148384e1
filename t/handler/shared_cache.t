# Two front-end servers that share a redis (or memcached) unique-visitor
# cache count a visitor once, whichever of them the visitor reaches. The
# test starts the two httpd servers itself, on its own ports.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use JSON::PP ();
use LWP::UserAgent;
use Apache::Test ();

my $httpd   = Apache::Test::vars('httpd');
my $modules = $ENV{CG_HTTPD_MODULES} or die 'CG_HTTPD_MODULES not set';
my $module  = Apache::Test::vars('top_dir') . '/.libs/mod_consentgate.so';
my $ua      = LWP::UserAgent->new(timeout => 10);
my @visitor = ('User-Agent' => 'Mozilla/5.0 (X11) SharedCacheTest', 'Accept-Language' => 'nl');

sub free_port {
    IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)->sockport;
}

# starts an httpd with ConsentUniqueCache $cache; returns (port, dir)
sub start_server {
    my ($cache, $socache_module) = @_;
    my $dir = tempdir(CLEANUP => 1);
    my $port = free_port();
    open my $fh, '>', "$dir/httpd.conf" or die $!;
    print $fh <<"CONF";
ServerRoot $dir
ServerName localhost
DefaultRuntimeDir $dir
PidFile $dir/httpd.pid
ErrorLog $dir/error_log
LogLevel warn
Listen 127.0.0.1:$port
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule $socache_module $modules/mod_@{[ $socache_module =~ s/_module$//r ]}.so
LoadModule consentgate_module $module
ConsentUniqueCache $cache
ConsentGate On
ConsentPreset mautic
ConsentStatus On
CONF
    close $fh;
    system($httpd, '-f', "$dir/httpd.conf", '-k', 'start') == 0 or die "httpd did not start";
    for (1 .. 50) {
        last if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port");
        select(undef, undef, undef, 0.1);
    }
    return ($port, $dir);
}

sub stop_server {
    my ($dir) = @_;
    system($httpd, '-f', "$dir/httpd.conf", '-k', 'stop');
    for (1 .. 50) {
        last unless -e "$dir/httpd.pid";
        select(undef, undef, undef, 0.1);
    }
}

sub today {
    my ($port) = @_;
    my $res = $ua->get("http://127.0.0.1:$port/consentgate/status?format=json");
    return JSON::PP::decode_json($res->content)->{today};
}

for my $c ([ 'redis', "redis:127.0.0.1:$ENV{CG_REDIS_PORT}", 'socache_redis_module' ],
           [ 'memcache', "memcache:127.0.0.1:$ENV{CG_MEMCACHED_PORT}", 'socache_memcache_module' ]) {
    my ($name, $cache, $mod) = @$c;
    my ($p1, $d1) = start_server($cache, $mod);
    my ($p2, $d2) = start_server($cache, $mod);
    # a visitor unique to this round, so earlier runs do not interfere
    my @me = (@visitor, 'User-Agent' => "Mozilla/5.0 (X11) SharedCacheTest $name " . rand());

    my $res = $ua->get("http://127.0.0.1:$p1/consentgate/pixel.gif", @me);
    is($res->code, 200, "$name: server 1 answers");
    $res = $ua->get("http://127.0.0.1:$p2/consentgate/pixel.gif", @me);
    is($res->code, 200, "$name: server 2 answers");
    $ua->get("http://127.0.0.1:$p1/consentgate/pixel.gif", @me);

    my ($t1, $t2) = (today($p1), today($p2));
    is($t1->{views} + $t2->{views}, 3, "$name: three views in all");
    is($t1->{uniques} + $t2->{uniques}, 1, "$name: one unique visitor in all");

    $ua->get("http://127.0.0.1:$p2/consentgate/pixel.gif",
             @me, 'User-Agent' => "another browser $name " . rand());
    is(today($p2)->{uniques} - $t2->{uniques}, 1, "$name: another visitor counts");

    stop_server($_) for $d1, $d2;
}

# the salt of the day is in the shared cache, never on disk
{
    my $sock = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ENV{CG_REDIS_PORT}") or die;
    print $sock "CONFIG GET save\r\n";
    my $reply = '';
    sysread($sock, $reply, 4096);
    like($reply, qr/\*2\r\n\$4\r\nsave\r\n\$0\r\n\r\n/, 'the test redis never saves to disk');
}

done_testing();
