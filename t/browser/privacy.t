# What banner.js shows and offers a visitor about their privacy, in
# Debian's chromium (playwright-core): an honoured GPC or DNT signal, on the
# first layer, the second and the reopen button on every page; and the
# objection to the anonymous count, after which the browser requests no
# pixel. t/browser/privacy.mjs prints the TAP.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use CG;
use Apache::Test ();
use Apache::TestRequest ();

my ($top, $node, $chromium) = browser_tools('axe-core');

Apache::TestRequest::module('banner');
$ENV{CG_BANNER} = 'http://' . Apache::TestRequest::hostport();
$ENV{CG_SHOTS} = "$top/t/logs/screenshots";
mkdir $ENV{CG_SHOTS};
$ENV{CG_CHROMIUM} = $chromium;
# chromium wants a writable home for its crash and font caches
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/privacy.mjs";
die "exec $node: $!";
