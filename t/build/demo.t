# The README's demo command works: demo/run starts httpd and php-fpm in
# front of the Mautic-like app and its own checks pass (DEMO_CHECK=1).
use strict;
use warnings;
use FindBin;
use Test::More;
use IO::Socket::INET;

my $top = "$FindBin::Bin/../..";
my $port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                 LocalPort => 0)->sockport;

my $out = `cd '$top' && DEMO_PORT=$port DEMO_CHECK=1 demo/run 2>&1`;
is($? >> 8, 0, 'demo/run with DEMO_CHECK=1 passes') or diag($out);
like($out, qr/all \d+ checks passed/, 'it ran its checks');
like($out, qr/mautic_device_id=[0-9a-z]{23}/, 'it showed a consented tracking cookie');

done_testing();
