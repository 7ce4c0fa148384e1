# Other banners' consent, with the real banners as oracles: orestbida's
# cookieconsent v3 and Klaro, installed from npm and served from
# node_modules, clicked in Debian's chromium (playwright-core), and TC
# strings encoded by the IAB's @iabtcf/core; t/browser/sources.mjs says
# what the gate must then do. Its TAP is this test's TAP.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use CG;
use Apache::Test ();
use Apache::TestRequest ();

my ($top, $node, $chromium) = browser_tools('vanilla-cookieconsent', 'klaro', '@iabtcf/core');


$ENV{CG_CMP} = vhost_url('cmp');
$ENV{CG_CMP_SIGNED} = vhost_url('cmp_signed');
$ENV{CG_BANNER} = vhost_url('banner');
$ENV{CG_LOGS} = Apache::Test::vars('t_logs');
$ENV{CG_CHROMIUM} = $chromium;
# chromium wants a writable home for its crash and font caches
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/sources.mjs";
die "exec $node: $!";
