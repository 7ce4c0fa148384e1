# What banner.js shows and offers a visitor about their privacy, in
# Debian's chromium (playwright-core): an honoured GPC or DNT signal, on the
# first layer, the second and the reopen button on every page; and the
# objection to the anonymous count, after which the browser requests no
# pixel. t/browser/privacy.mjs prints the TAP.
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
for my $pkg (qw(playwright-core axe-core)) {
    push @missing, "$pkg (npm ci)" unless -d "$top/node_modules/$pkg";
}
if (@missing) {
    # scripts/install-deps installs all of them: a missing one is a failure
    print "1..1\nnot ok 1 - the browser test can run\n";
    print "# missing: $_\n" for @missing;
    exit 1;
}

Apache::TestRequest::module('banner');
$ENV{CG_BANNER} = 'http://' . Apache::TestRequest::hostport();
$ENV{CG_SHOTS} = "$top/t/logs/screenshots";
mkdir $ENV{CG_SHOTS};
$ENV{CG_CHROMIUM} = $chromium;
# chromium wants a writable home for its crash and font caches
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/privacy.mjs";
die "exec $node: $!";
