// The cylinder of cylinder.geo with h = 0.1 on the wall (31 straight faces round it): the coarser mesh for
// CPR-GKS (degree p = 2, 3), whose elements each hold a polynomial.
//   gmsh -2 cylinder_coarse.geo -format msh41 -o cylinder_coarse.msh
h = 0.1;
Include "cylinder.geo";
