# The suite tests the module built in this tree, also on a machine whose
# Apache loads an installed mod_consentgate (the Debian package, make
# install): Apache::Test inherits the system's LoadModule lines, and
# t/TEST.PL keeps that one out. scripts/check-package runs this file while
# the package is installed and enabled.
use strict;
use warnings;
use FindBin;
use Cwd qw(realpath);
use Test::More;

my $top = realpath("$FindBin::Bin/../..");
my @loads;
for my $f ("$top/t/conf/httpd.conf", "$top/t/conf/extra.conf") {
    open my $fh, '<', $f or die "$f: $!";
    while (<$fh>) {
        push @loads, $1 if /^\s*LoadModule\s+consentgate_module\s+"?([^"\s]+)/;
    }
}
ok(@loads >= 1, 'the test server loads consentgate_module');
for my $so (@loads) {
    like($so, qr{^\Q$top\E/}, "consentgate_module comes from this tree: $so");
}
my $installed = -f '/etc/apache2/mods-enabled/consentgate.load' ? 'enabled' : 'not enabled';
note("the system's Apache has mod_consentgate $installed");

done_testing();
