# The banner in a real browser: Debian's chromium, driven by playwright-core
# (npm ci), runs t/browser/e2e.mjs against this test server; its TAP is
# this test's TAP. Screenshots go to t/logs/screenshots/.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use CG;
use Apache::Test ();
use Apache::TestRequest ();

my ($top, $node, $chromium) = browser_tools('axe-core');


my $shots = "$top/t/logs/screenshots";
mkdir $shots;
$ENV{CG_BANNER} = vhost_url('banner');
$ENV{CG_MATTERMOST} = vhost_url('mattermost');
$ENV{CG_NOTICE} = vhost_url('notice');
$ENV{CG_SHOTS} = $shots;
$ENV{CG_CHROMIUM} = $chromium;
# chromium wants a writable home for its crash and font caches
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/e2e.mjs";
die "exec $node: $!";
