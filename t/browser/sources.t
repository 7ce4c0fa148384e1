# Other banners' consent, with the real banners as oracles: orestbida's
# cookieconsent v3 and Klaro, installed from npm and served from
# node_modules, clicked in Debian's chromium (playwright-core), and TC
# strings encoded by the IAB's @iabtcf/core; t/browser/sources.mjs says
# what the gate must then do. Its TAP is this test's TAP.
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
for my $pkg (qw(playwright-core vanilla-cookieconsent klaro @iabtcf/core)) {
    push @missing, "$pkg (npm ci)" unless -d "$top/node_modules/$pkg";
}
if (@missing) {
    # scripts/install-deps installs all of them: a missing one is a failure
    print "1..1\nnot ok 1 - the browser test can run\n";
    print "# missing: $_\n" for @missing;
    exit 1;
}

sub base {
    my ($vhost) = @_;
    Apache::TestRequest::module($vhost);
    return 'http://' . Apache::TestRequest::hostport();
}

$ENV{CG_CMP} = base('cmp');
$ENV{CG_BANNER} = base('banner');
$ENV{CG_CHROMIUM} = $chromium;
# chromium wants a writable home for its crash and font caches
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/sources.mjs";
die "exec $node: $!";
