# ConsentCSPWithout and ConsentGoogleConsentMode in a real browser: Debian's
# chromium, driven by playwright-core, runs t/browser/csp.mjs against the
# csp vhost, with csp_third as the second origin whose access log counts
# the requests that reached it. Its TAP is this test's TAP.
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

$ENV{CG_CSP} = base('csp');
# another origin: another port, and 127.0.0.1 where the page is localhost
($ENV{CG_THIRD} = base('csp_third')) =~ s{//localhost:}{//127.0.0.1:};
$ENV{CG_THIRD_LOG} = Apache::Test::vars('t_logs') . '/csp_third_log';
$ENV{CG_CHROMIUM} = $chromium;
$ENV{HOME} = "$top/t/logs" unless $ENV{HOME} && -w $ENV{HOME};
exec $node, "$top/t/browser/csp.mjs";
die "exec $node: $!";
