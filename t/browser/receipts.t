# Receipts of choices clicked in the real banner, in Debian's chromium
# (t/browser/receipts.mjs): the notice shown and the button.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use CG;
use Apache::Test ();
use Apache::TestRequest ();

my ($top, $node, $chromium) = browser_tools();
$ENV{CG_BANNER} = vhost_url('banner');
$ENV{CG_LOGS} = Apache::Test::vars('t_logs');
$ENV{CG_CHROMIUM} = $chromium;
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/receipts.mjs";
die "exec $node: $!";
