# Receipts of choices clicked in the real banner, in Debian's chromium
# (t/browser/receipts.mjs): the notice shown and the button.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Apache::Test ();
use Apache::TestRequest ();

my $top = Apache::Test::vars('top_dir');
my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH};
my $chromium = $ENV{CG_CHROMIUM} || '/usr/bin/chromium';
if (!$node || !-x $chromium || !-d "$top/node_modules/playwright-core") {
    # scripts/install-deps installs them: a missing one is a failure
    print "1..1\nnot ok 1 - the browser test can run (node, chromium, npm ci)\n";
    exit 1;
}
Apache::TestRequest::module('banner');
$ENV{CG_BANNER} = 'http://' . Apache::TestRequest::hostport();
$ENV{CG_LOGS} = Apache::Test::vars('t_logs');
$ENV{CG_CHROMIUM} = $chromium;
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/receipts.mjs";
die "exec $node: $!";
