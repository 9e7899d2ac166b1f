/* FRR's own vtysh/vtysh_config.c, compiled unchanged from the configured FRR tree
 * (tools/vtysh/README.md). */
#include "vtysh/vtysh_config.c"
