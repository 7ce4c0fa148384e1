# ConsentCSPWithout and ConsentGoogleConsentMode in a real browser: Debian's
# chromium, driven by playwright-core, runs t/browser/csp.mjs against the
# csp vhost, with csp_third as the second origin whose access log counts
# the requests that reached it. Its TAP is this test's TAP.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use CG;
use Apache::Test ();
use Apache::TestRequest ();

my ($top, $node, $chromium) = browser_tools();


$ENV{CG_CSP} = vhost_url('csp');
# another origin: another port, and 127.0.0.1 where the page is localhost
($ENV{CG_THIRD} = vhost_url('csp_third')) =~ s{//localhost:}{//127.0.0.1:};
$ENV{CG_THIRD_LOG} = Apache::Test::vars('t_logs') . '/csp_third_log';
$ENV{CG_CHROMIUM} = $chromium;
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/csp.mjs";
die "exec $node: $!";
