# Set-Cookie forms read by Chromium itself: each line of the table in
# t/browser/setcookie.mjs is served through the gate without consent, with
# consent and ungated (vhosts cookie_gate and cookie_open, backend
# t/cgi-bin/setcookie.cgi); Debian's chromium, driven by playwright-core,
# is the oracle. Its TAP is this test's TAP.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use CG;
use Apache::Test ();
use Apache::TestRequest ();

my ($top, $node, $chromium) = browser_tools();


$ENV{CG_GATE} = vhost_url('cookie_gate');
$ENV{CG_OPEN} = vhost_url('cookie_open');
$ENV{CG_CHROMIUM} = $chromium;
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/setcookie.mjs";
die "exec $node: $!";
