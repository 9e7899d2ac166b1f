/* Stands in for vtysh's main(): never reached when the FRR version check
 * (tools/vtysh/frr_version_check.c) finds another FRR and runs the stock
 * vtysh (here /bin/echo) instead. */
#include <stdio.h>

int main(void)
{
	puts("main reached");
	return 1;
}
