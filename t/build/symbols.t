# The built module exports one symbol, consentgate_module, the only one
# httpd looks up; everything else stays inside it. lib/ is compiled once:
# the module and the unit tests contain the same objects.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/../..";
my $so  = "$top/.libs/mod_consentgate.so";
my $ar  = "$top/.libs/libconsentgate.a";

plan skip_all => 'module not built (make module)' unless -f $so;

my @dyn = map { (split ' ')[-1] }
          grep { /^\s*[0-9a-f]*\s+[A-Za-z]\s+\S+$/ }
          split /\n/, `nm -D --defined-only '$so'`;
is($?, 0, 'nm -D reads the module');
is_deeply(\@dyn, ['consentgate_module'],
          'the module exports consentgate_module and nothing else')
    or diag("exported: @dyn");

# the convenience library holds one object per lib/*.c
ok(-f $ar, 'lib/ is built into .libs/libconsentgate.a');
my @members = sort split /\n/, `ar t '$ar'`;
my @sources = sort map { (my $b = $_) =~ s{.*/}{}; $b =~ s/\.c$/.o/; $b }
              glob("$top/lib/*.c");
is_deeply(\@members, \@sources, 'one archive member per lib/*.c');

# name => size of every function defined in an object file or binary
sub functions {
    my ($file) = @_;
    my %f;
    for (split /\n/, `nm -S --defined-only '$file'`) {
        my ($size, $type, $name) = /^[0-9a-f]+ ([0-9a-f]+) ([tT]) (\S+)$/
            or next;
        $f{$name} = hex $size;
    }
    return \%f;
}

# The functions of the archive are in the module with the same sizes, and
# so are those the unit tests link: built once, with the same flags.
my $lib = functions($ar);
my $mod = functions($so);
my @lib_fns = grep { /^cg_/ } keys %$lib;
ok(@lib_fns > 20, 'the archive defines the cg_ functions') or diag(scalar @lib_fns);
my @differ = grep { !defined $mod->{$_} || $mod->{$_} != $lib->{$_} } @lib_fns;
is_deeply(\@differ, [], "the module holds the archive's cg_ functions as they are");

my @units = grep { -x && !/\.[a-z]+$/ } glob("$top/t/unit/test_*");
ok(@units, 'unit tests built (make unit)');
for my $u (@units) {
    my $fns = functions($u);
    my @mine = grep { exists $lib->{$_} } grep { /^cg_/ } keys %$fns;
    my @bad = grep { $fns->{$_} != $lib->{$_} } @mine;
    (my $name = $u) =~ s{.*/}{};
    ok(@mine && !@bad, "$name links the module's lib/ objects (" . scalar(@mine)
       . ' cg_ functions)') or diag("differ: @bad");
}

done_testing();
