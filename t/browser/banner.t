# The banner in a real browser: Debian's chromium, driven by playwright-core
# (npm ci), runs t/browser/e2e.mjs against this test server; its TAP is
# this test's TAP. Screenshots go to t/logs/screenshots/.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Apache::Test ();
use Apache::TestRequest ();

my $top = Apache::Test::vars('top_dir');
my ($node) = grep { -x } map { "$_/node" } split /:/, $ENV{PATH};
my $chromium = $ENV{CG_CHROMIUM} || '/usr/bin/chromium';
my @missing;
push @missing, 'node (apt-get install nodejs)' unless $node;
push @missing, "chromium at $chromium (apt-get install chromium)" unless -x $chromium;
push @missing, 'playwright-core and axe-core (npm ci)'
    unless -d "$top/node_modules/playwright-core" && -d "$top/node_modules/axe-core";
if (@missing) {
    # scripts/install-deps installs all three: a missing one is a failure
    print "1..1\nnot ok 1 - the browser test can run\n";
    print "# missing: $_\n" for @missing;
    exit 1;
}

sub base {
    my ($vhost) = @_;
    Apache::TestRequest::module($vhost);
    return 'http://' . Apache::TestRequest::hostport();
}

my $shots = "$top/t/logs/screenshots";
mkdir $shots;
$ENV{CG_BANNER} = base('banner');
$ENV{CG_MATTERMOST} = base('mattermost');
$ENV{CG_NOTICE} = base('notice');
$ENV{CG_SHOTS} = $shots;
$ENV{CG_CHROMIUM} = $chromium;
# chromium wants a writable home for its crash and font caches
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/e2e.mjs";
die "exec $node: $!";
