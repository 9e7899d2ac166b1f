/* FRR's own vtysh/vtysh.c, compiled unchanged from the configured FRR tree
 * (tools/vtysh/README.md). */
#include "vtysh/vtysh.c"
