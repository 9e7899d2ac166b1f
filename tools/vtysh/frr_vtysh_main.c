/* FRR's own vtysh/vtysh_main.c, compiled unchanged from the configured FRR tree
 * (tools/vtysh/README.md). */
#include "vtysh/vtysh_main.c"
