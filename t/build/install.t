# make install honours DESTDIR: the module and the a2enmod files land
# under it, and nothing is written outside.
use strict;
use warnings;
use FindBin;
use Test::More;
use File::Temp qw(tempdir);

my $top  = "$FindBin::Bin/../..";
my $dest = tempdir(CLEANUP => 1);
chomp(my $libexec = `apxs -q LIBEXECDIR`);
chomp(my $sysconf = `apxs -q SYSCONFDIR`);

my $out = `make -C '$top' install DESTDIR='$dest' 2>&1`;
is($?, 0, 'make install DESTDIR=... succeeds') or diag($out);
ok(-f "$dest$libexec/mod_consentgate.so", 'the module is installed under DESTDIR');
ok(-f "$dest$sysconf/mods-available/consentgate.load", 'consentgate.load');
ok(-f "$dest$sysconf/mods-available/consentgate.conf", 'consentgate.conf');

open my $fh, '<', "$dest$sysconf/mods-available/consentgate.load" or die $!;
like(do { local $/; <$fh> }, qr{^LoadModule consentgate_module \Q$libexec\E/mod_consentgate\.so$}m,
     'the .load file names the installed path');

done_testing();
