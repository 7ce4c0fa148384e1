# Set-Cookie forms read by Chromium itself: each line of the table in
# t/browser/setcookie.mjs is served through the gate without consent, with
# consent and ungated (vhosts cookie_gate and cookie_open, backend
# t/cgi-bin/setcookie.cgi); Debian's chromium, driven by playwright-core,
# is the oracle. Its TAP is this test's TAP.
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
push @missing, 'playwright-core (npm ci)'
    unless -d "$top/node_modules/playwright-core";
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

$ENV{CG_GATE} = base('cookie_gate');
$ENV{CG_OPEN} = base('cookie_open');
$ENV{CG_CHROMIUM} = $chromium;
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/setcookie.mjs";
die "exec $node: $!";
